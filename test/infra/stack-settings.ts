// Stack settings as `pulumi up` hands them to the program: strings under `iam-audit-kit:`, numbers and
// booleans as their text, lists as JSON. The program reads them back with pulumi.Config's getters.
import * as pulumi from '@pulumi/pulumi';
import { CONFIG_NAMESPACE, DeploymentConfig, loadDeploymentConfig } from '../../infra/config';

/** Settings by key without the namespace, e.g. `{ taskCpu: '1024', subnetIds: '["subnet-0123abcd"]' }`. */
export type StackSettings = Partial<Record<string, string>>;

/** The stack's runtime configuration for these settings, with `aws:region` unless it is null. */
export function stackConfig(settings: StackSettings, awsRegion: string | null = 'us-east-1'): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined) config[`${CONFIG_NAMESPACE}:${key}`] = value;
  }
  if (awsRegion !== null) config['aws:region'] = awsRegion;
  return config;
}

/** Loads the deployment's configuration as the program does, from these settings. */
export function parseDeploymentConfig(settings: StackSettings, awsRegion: string | null = 'us-east-1', now?: number): DeploymentConfig {
  pulumi.runtime.setAllConfig(stackConfig(settings, awsRegion));
  try {
    return loadDeploymentConfig(now);
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

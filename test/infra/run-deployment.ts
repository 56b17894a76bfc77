import { parseDeploymentConfig, StackSettings } from './stack-settings';
import { deployAuditKit } from '../../infra/deployment';
import { installMocks, MockedRun, settle, valueOf } from './mocked-pulumi';

export interface DeploymentRun extends MockedRun {
  outputs: Record<string, string>;
}

/** Runs the whole program under mocks for the given settings and waits for every resource. */
export async function runDeployment(settings: StackSettings): Promise<DeploymentRun> {
  const run = await installMocks();
  const deployment = deployAuditKit(parseDeploymentConfig(settings, 'us-east-1'));
  const outputs: Record<string, string> = {};
  for (const [key, output] of Object.entries(deployment)) {
    outputs[key] = await valueOf(output);
  }
  await settle(run);
  return { ...run, outputs };
}

// `--profile nope` (or AWS_PROFILE=nope) fails in the SDK's credential chain with "could not load
// credentials from any providers", which sends the user looking for credentials rather than for
// a typo. The shared files are read the way the SDK reads them, before anything is sent to AWS.
import os from 'node:os';
import path from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { Environment } from '../values/parsers';

export interface SharedFilePaths {
  config: string;
  credentials: string;
}

/** Where the SDK looks: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else `~/.aws/`. */
export function sharedFilePaths(env: Environment): SharedFilePaths {
  const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
  return {
    config: env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials'),
  };
}

/**
 * Null when `profile` is a profile of the shared config or credentials file; otherwise what to
 * tell the user, naming `source` (the flag or variable it came from), the files and the profiles
 * they do have.
 */
export async function missingProfileMessage(profile: string, source: string, env: Environment): Promise<string | null> {
  const paths = sharedFilePaths(env);
  const files = await loadSharedConfigFiles({ filepath: paths.credentials, configFilepath: paths.config, ignoreCache: true });
  if (Object.hasOwn(files.configFile, profile) || Object.hasOwn(files.credentialsFile, profile)) return null;
  // `[sso-session x]` and `[services x]` sections are kept under prefixed keys; they are not profiles.
  const known = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].filter((name) => !/^(sso-session|services)\./.test(name)).sort();
  const available = known.length === 0 ? 'neither file has any profile' : `profiles there: ${known.join(', ')}`;
  return `${source}: the profile ${JSON.stringify(profile)} does not exist in ${paths.config} or ${paths.credentials} (${available})`;
}

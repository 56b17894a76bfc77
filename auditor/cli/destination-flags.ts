// The flags the audit and `merge` share: whose credentials (--profile), where the reports go
// (--out-dir, --s3-uri) and the run's reference time (--run-time). Each is declared here once, with
// its parser, default and environment variable; a command places them among its own flags and
// words --profile's and --run-time's help for what it does with them.
import { Option } from 'commander';
import { ConfigError, flagOrEnvironment, parseRunTime, parseS3Uri, type Environment, type S3Location } from '../values/parsers';
import { ENV_RUN_TIME, ENV_S3_URI } from '../values/environment';
import { singleValueParser } from './flag-parsers';

export const DEFAULT_OUT_DIR = './output';

/** `--profile <name>`; `purpose` says what the command uses the credentials for. */
export function profileOption(purpose: string): Option {
  return new Option('--profile <name>', `AWS profile for ${purpose} (default: the SDK default chain)`);
}

export function outDirOption(): Option {
  return new Option('--out-dir <dir>', 'directory the reports are written to (created if missing)').default(DEFAULT_OUT_DIR);
}

export function s3UriOption(): Option {
  return new Option('--s3-uri <uri>', `also upload every report under s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<timestamp>/ (env ${ENV_S3_URI})`).argParser(
    singleValueParser('--s3-uri', parseS3Uri),
  );
}

/** `--run-time <iso>`; `meaning` says what the time is to the command (the environment variable is added). */
export function runTimeOption(meaning: string): Option {
  return new Option('--run-time <iso>', `${meaning} (env ${ENV_RUN_TIME})`).argParser(singleValueParser('--run-time', (value, source) => parseRunTime(value, source)));
}

/** What commander hands back for the flags above. */
export interface ParsedDestinationOptions {
  profile?: string;
  outDir: string;
  s3Uri?: S3Location;
  runTime?: Date;
}

export interface DestinationConfig {
  profile?: string;
  outDir: string;
  s3?: S3Location;
  runTime?: Date;
}

/** The flags first, then the environment. Throws ConfigError naming the flag or variable. */
export function readDestinationConfig(options: ParsedDestinationOptions, env: Environment): DestinationConfig {
  if (options.outDir.trim() === '') throw new ConfigError('--out-dir: the directory may not be empty');
  const config: DestinationConfig = { outDir: options.outDir };
  const s3 = flagOrEnvironment(options.s3Uri, env, ENV_S3_URI, parseS3Uri);
  const runTime = flagOrEnvironment(options.runTime, env, ENV_RUN_TIME, (value, source) => parseRunTime(value, source));
  if (options.profile !== undefined) config.profile = options.profile;
  if (s3 !== undefined) config.s3 = s3;
  if (runTime !== undefined) config.runTime = runTime;
  return config;
}

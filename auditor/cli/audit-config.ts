// Every flag of the audit command, its default and its environment fallback, in one place. A new
// flag is one `.addOption` in `defineAuditOptions` plus one field in `readAuditConfig`.
// Values are validated here, before anything is sent to AWS, and every error names the flag (or
// the environment variable) it came from.
import { Command, InvalidArgumentError, Option } from 'commander';
import { MAX_SHARD_COUNT, type ShardSelection } from '../shard/shard';

export const DEFAULT_OUT_DIR = './output';
/**
 * Accounts audited at once. Measured with `npm run bench` (1,000 accounts x 50 users, 50 ms per
 * call): 8 take 111 s, just under the 2 minutes aimed at, 16 take 59 s with one core half busy;
 * twice that would about fill the one core of the Fargate task. Each account has its own clients
 * and IAM quota, so more accounts at once does not mean more throttling within one.
 */
export const DEFAULT_CONCURRENCY = 16;
/** More accounts at once only trades throughput for throttling on the management-side STS calls. */
export const MAX_CONCURRENCY = 64;
export const DEFAULT_CLOUDTRAIL_REGION = 'us-east-1';
/** CloudTrail's event history keeps 90 days of management events; LookupEvents sees no further. */
export const MAX_SINCE_DAYS = 90;
export const DEFAULT_SINCE_DAYS = 90;

export const ENV_ROLE_NAME = 'AUDIT_ROLE_NAME';
export const ENV_CONCURRENCY = 'AUDIT_CONCURRENCY';
export const ENV_EXTERNAL_ID = 'AUDIT_EXTERNAL_ID';
export const ENV_S3_URI = 'AUDIT_S3_URI';
export const ENV_SHARD = 'AUDIT_SHARD';
export const ENV_RUN_TIME = 'AUDIT_RUN_TIME';
/** How far ahead of this machine's clock `--run-time` may be: clocks of different tasks drift a little. */
export const MAX_RUN_TIME_AHEAD_MS = 5 * 60 * 1000;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Where the reports are also uploaded: `s3://<bucket>/<prefix>/`. `prefix` has no leading or trailing slash. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

export interface AuditConfig {
  roleName: string;
  profile?: string;
  outDir: string;
  includeAccounts?: string[];
  excludeAccounts?: string[];
  concurrency: number;
  externalId?: string;
  cloudTrail: { enabled: boolean; region: string; sinceDays: number };
  s3?: S3Location;
  /** `--shard`: audit one slice of the organization and write it as a part for `merge`. */
  shard?: ShardSelection;
  /** `--run-time`: the run's reference time instead of the clock, shared by all shards of a run. */
  runTime?: Date;
}

/** A flag or environment value that cannot be used; the message names where it came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const ACCOUNT_ID = /^\d{12}$/;
// Partition prefixes included: us-gov-west-1, cn-north-1, us-isob-east-1, eu-central-2...
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// S3 general purpose bucket naming rules: 3-63 characters, lowercase letters, digits, dots and
// hyphens, beginning and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
// Names S3 keeps for its own features (punycode, access point aliases, Object Lambda, Multi-Region
// Access Points, directory and table buckets, documentation examples): creating one fails.
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;
// IAM role names: 1-64 characters of [\w+=,.@-], optionally after a path (`audit/IamAuditRole`),
// since the role ARN is `role/<path>/<name>`.
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
// sts:AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Comma separated 12-digit account ids; blanks around commas are ignored. */
export function parseAccountIds(value: string, source: string): string[] {
  const ids = value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (ids.length === 0) throw new ConfigError(`${source}: expected comma separated 12-digit account ids, got an empty list`);
  const bad = ids.filter((id) => !ACCOUNT_ID.test(id));
  if (bad.length > 0) {
    throw new ConfigError(`${source}: not a 12-digit AWS account id: ${bad.map((id) => JSON.stringify(id)).join(', ')}`);
  }
  return ids;
}

function parseIntegerInRange(value: string, source: string, min: number, max: number): number {
  const trimmed = value.trim();
  const parsed = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${source}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

export function parseConcurrency(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_CONCURRENCY);
}

export function parseSinceDays(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_SINCE_DAYS);
}

export function parseRegion(value: string, source: string): string {
  const trimmed = value.trim();
  if (!REGION.test(trimmed)) throw new ConfigError(`${source}: not an AWS region name (like us-east-1): ${JSON.stringify(value)}`);
  return trimmed;
}

export function parseRoleName(value: string, source: string): string {
  const trimmed = value.trim();
  if (!ROLE_NAME.test(trimmed)) {
    throw new ConfigError(`${source}: not an IAM role name (1-64 letters, digits and +=,.@_-, optionally after a path): ${JSON.stringify(value)}`);
  }
  return trimmed;
}

export function parseExternalId(value: string, source: string): string {
  if (!EXTERNAL_ID.test(value)) {
    throw new ConfigError(`${source}: an external id is 2-1224 letters, digits and +=,.@:/_- characters`);
  }
  return value;
}

const SHARD = /^(\d{1,3})\/(\d{1,3})$/;

/** `2/5` → { index: 2, count: 5 }: shard 2 of 5. */
export function parseShard(value: string, source: string): ShardSelection {
  const match = SHARD.exec(value.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || count > MAX_SHARD_COUNT || index < 1 || index > count) {
    throw new ConfigError(`${source}: expected <i>/<n> with 1 <= i <= n <= ${MAX_SHARD_COUNT} (e.g. 2/5), got ${JSON.stringify(value)}`);
  }
  return { index, count };
}

// A date and a time with a zone (Z or +hh:mm), so that every task reads the same instant.
const RUN_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * True when every field names a real calendar date and clock time. `Date` rolls 30 February over
 * to 1 March and 24:00 to the next day; a reference time that silently moves is worse than none.
 */
function isCalendarTime(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map((field) => (field === undefined ? 0 : Number(field)));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
}

/** An ISO-8601 instant on a real calendar date, not ahead of `clock` by more than MAX_RUN_TIME_AHEAD_MS. */
export function parseRunTime(value: string, source: string, clock: () => Date = () => new Date()): Date {
  const trimmed = value.trim();
  const match = RUN_TIME.exec(trimmed);
  if (match === null) throw new ConfigError(`${source}: expected an ISO-8601 time with a zone, like 2024-03-01T06:00:00Z, got ${JSON.stringify(value)}`);
  if (!isCalendarTime(match)) throw new ConfigError(`${source}: ${JSON.stringify(trimmed)} is not a real date and time (no such day, hour, minute or second)`);
  const time = new Date(trimmed);
  if (time.getTime() - clock().getTime() > MAX_RUN_TIME_AHEAD_MS) {
    throw new ConfigError(`${source}: ${trimmed} is in the future; a run's reference time cannot be ahead of the clock`);
  }
  return time;
}

/** Why `bucket` is not a general purpose bucket name S3 accepts, or null when it is one. */
export function bucketNameProblem(bucket: string): string | null {
  if (bucket.length < 3 || bucket.length > 63) return `is ${bucket.length} characters long; a bucket name has 3 to 63`;
  if (!BUCKET.test(bucket)) return 'may hold only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  if (bucket.includes('..')) return 'may not hold two dots in a row';
  if (IP_ADDRESS.test(bucket)) return 'may not be formatted as an IP address';
  const prefix = RESERVED_BUCKET_PREFIXES.find((reserved) => bucket.startsWith(reserved));
  if (prefix !== undefined) return `may not begin with "${prefix}", which S3 reserves`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((reserved) => bucket.endsWith(reserved));
  if (suffix !== undefined) return `may not end with "${suffix}", which S3 reserves`;
  return null;
}

/**
 * `s3://bucket`, `s3://bucket/`, `s3://bucket/reports`, `s3://bucket//reports/daily/`: the prefix
 * loses its leading, trailing and doubled slashes so that keys never contain an empty segment.
 */
export function parseS3Uri(value: string, source: string): S3Location {
  const match = /^s3:\/\/([^/]+)(\/.*)?$/.exec(value.trim());
  if (!match) throw new ConfigError(`${source}: expected s3://<bucket>/<prefix>/, got ${JSON.stringify(value)}`);
  const bucket = match[1];
  const problem = bucketNameProblem(bucket);
  if (problem !== null) throw new ConfigError(`${source}: ${JSON.stringify(bucket)} is not an S3 bucket name: it ${problem}`);
  const segments = (match[2] ?? '').split('/').filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new ConfigError(`${source}: the prefix may not contain "." or ".." segments: ${JSON.stringify(value)}`);
  }
  return { bucket, prefix: segments.join('/') };
}

/** commander calls argument parsers with the previous value; repeated flags accumulate. */
function accountIdsParser(flag: string) {
  return (value: string, previous: string[] | undefined): string[] => {
    const ids = asCommanderError(() => parseAccountIds(value, flag));
    return [...(previous ?? []), ...ids];
  };
}

/** A commander argument parser that checks with `parse` and reports its ConfigError as commander does. */
export function singleValueParser<T>(flag: string, parse: (value: string, source: string) => T) {
  return (value: string): T => asCommanderError(() => parse(value, flag));
}

// commander prints InvalidArgumentError as "option '--x <v>' argument 'y' is invalid. <message>".
function asCommanderError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) {
      const reason = error.message.replace(/^[^:]+: /, '');
      throw new InvalidArgumentError(reason.charAt(0).toUpperCase() + reason.slice(1));
    }
    throw error;
  }
}

/** Adds the audit command's flags to `command`. */
export function defineAuditOptions(command: Command): Command {
  return command
    .addOption(new Option('--role <name>', `audit role to assume in every account (env ${ENV_ROLE_NAME}; required)`).argParser(singleValueParser('--role', parseRoleName)))
    .addOption(new Option('--profile <name>', 'AWS profile for the auditor\'s own credentials (default: the SDK default chain)'))
    .addOption(new Option('--out-dir <dir>', 'directory the reports are written to (created if missing)').default(DEFAULT_OUT_DIR))
    .addOption(new Option('--accounts <ids>', 'audit only these account ids (comma separated, repeatable)').argParser(accountIdsParser('--accounts')))
    .addOption(new Option('--exclude-accounts <ids>', 'do not audit these account ids (comma separated, repeatable)').argParser(accountIdsParser('--exclude-accounts')))
    .addOption(
      new Option('--concurrency <n>', `accounts audited at once, 1-${MAX_CONCURRENCY} (env ${ENV_CONCURRENCY}; default ${DEFAULT_CONCURRENCY})`).argParser(
        singleValueParser('--concurrency', parseConcurrency),
      ),
    )
    .addOption(new Option('--external-id <id>', `ExternalId passed to sts:AssumeRole (env ${ENV_EXTERNAL_ID})`).argParser(singleValueParser('--external-id', parseExternalId)))
    .addOption(
      new Option('--cloudtrail-region <region>', 'region CloudTrail LookupEvents is called in (IAM events are recorded in us-east-1)')
        .default(DEFAULT_CLOUDTRAIL_REGION)
        .argParser(singleValueParser('--cloudtrail-region', parseRegion)),
    )
    .addOption(
      new Option('--since-days <n>', `CloudTrail events of the last n days, 1-${MAX_SINCE_DAYS}`)
        .default(DEFAULT_SINCE_DAYS)
        .argParser(singleValueParser('--since-days', parseSinceDays)),
    )
    .addOption(new Option('--no-cloudtrail', 'skip the CloudTrail event lookup'))
    .addOption(
      new Option('--shard <i/n>', `audit only shard i of n (a stable slice by account id) and write it as a part for merge (env ${ENV_SHARD})`).argParser(
        singleValueParser('--shard', parseShard),
      ),
    )
    .addOption(
      new Option('--run-time <iso>', `the run's reference time (timestamps, key ages, CloudTrail window) instead of the clock; give every shard of a run the same one (env ${ENV_RUN_TIME})`).argParser(
        singleValueParser('--run-time', (value, source) => parseRunTime(value, source)),
      ),
    )
    .addOption(
      new Option('--s3-uri <uri>', `also upload every report under s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<timestamp>/ (env ${ENV_S3_URI})`).argParser(
        singleValueParser('--s3-uri', parseS3Uri),
      ),
    );
}

/** What commander hands back for the options above. */
interface ParsedAuditOptions {
  role?: string;
  profile?: string;
  outDir: string;
  accounts?: string[];
  excludeAccounts?: string[];
  concurrency?: number;
  externalId?: string;
  cloudtrailRegion: string;
  sinceDays: number;
  cloudtrail: boolean;
  s3Uri?: S3Location;
  shard?: ShardSelection;
  runTime?: Date;
}

/** An environment variable that is set to something other than blanks. */
export function fromEnvironment(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** Flags first, then the environment, then defaults. Throws ConfigError naming the flag or variable. */
export function readAuditConfig(command: Command, env: Environment): AuditConfig {
  const options = command.opts<ParsedAuditOptions>();

  const envRole = fromEnvironment(env, ENV_ROLE_NAME);
  const roleName = options.role ?? (envRole === undefined ? undefined : parseRoleName(envRole, ENV_ROLE_NAME));
  if (roleName === undefined) throw new ConfigError(`--role: the audit role name is required (or set ${ENV_ROLE_NAME})`);

  const envConcurrency = fromEnvironment(env, ENV_CONCURRENCY);
  const concurrency = options.concurrency ?? (envConcurrency === undefined ? DEFAULT_CONCURRENCY : parseConcurrency(envConcurrency, ENV_CONCURRENCY));

  const envExternalId = fromEnvironment(env, ENV_EXTERNAL_ID);
  const externalId = options.externalId ?? (envExternalId === undefined ? undefined : parseExternalId(envExternalId, ENV_EXTERNAL_ID));

  const envS3Uri = fromEnvironment(env, ENV_S3_URI);
  const s3 = options.s3Uri ?? (envS3Uri === undefined ? undefined : parseS3Uri(envS3Uri, ENV_S3_URI));

  const envShard = fromEnvironment(env, ENV_SHARD);
  const shard = options.shard ?? (envShard === undefined ? undefined : parseShard(envShard, ENV_SHARD));

  const envRunTime = fromEnvironment(env, ENV_RUN_TIME);
  const runTime = options.runTime ?? (envRunTime === undefined ? undefined : parseRunTime(envRunTime, ENV_RUN_TIME));

  // Shards that each took their own clock would be parts of different runs, which merge refuses.
  if (shard !== undefined && runTime === undefined) {
    throw new ConfigError(`--shard: give every shard of the run the same --run-time (or ${ENV_RUN_TIME}), e.g. --run-time ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  }

  const includeAccounts = options.accounts === undefined ? undefined : [...new Set(options.accounts)];
  const excludeAccounts = options.excludeAccounts === undefined ? undefined : [...new Set(options.excludeAccounts)];
  const both = (includeAccounts ?? []).filter((id) => excludeAccounts?.includes(id));
  if (both.length > 0) throw new ConfigError(`--accounts and --exclude-accounts both name ${both.join(', ')}`);

  if (options.outDir.trim() === '') throw new ConfigError('--out-dir: the directory may not be empty');

  const config: AuditConfig = {
    roleName,
    outDir: options.outDir,
    concurrency,
    cloudTrail: { enabled: options.cloudtrail, region: options.cloudtrailRegion, sinceDays: options.sinceDays },
  };
  if (options.profile !== undefined) config.profile = options.profile;
  if (includeAccounts !== undefined) config.includeAccounts = includeAccounts;
  if (excludeAccounts !== undefined) config.excludeAccounts = excludeAccounts;
  if (externalId !== undefined) config.externalId = externalId;
  if (s3 !== undefined) config.s3 = s3;
  if (shard !== undefined) config.shard = shard;
  if (runTime !== undefined) config.runTime = runTime;
  return config;
}

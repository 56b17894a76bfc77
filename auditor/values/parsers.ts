// The parsers every configuration of the kit shares: the audit's flags (audit-config.ts), merge's
// (merge-command.ts), the report flags (report-config.ts), the benchmark's flags and the Pulumi
// configuration (infra/config.ts). Each takes the raw text and the name of where it came from
// (a flag, an environment variable, a config key) and either returns the typed value or throws a
// ConfigError whose message starts with that name, so every caller reports bad input the same way.
// Plain values only: no commander (cli/flag-parsers.ts adapts these to flags), so the policy pack
// and the deployment can load them without the command line.

/** A flag, environment or config value that cannot be used; the message starts with where it came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Where the reports are also uploaded: `s3://<bucket>/<prefix>/`. `prefix` has no leading or trailing slash. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** An environment variable that is set to something other than blanks. */
export function fromEnvironment(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** A ConfigError's message without its leading `<source>: `, for callers that name the source their own way. */
export function problemOf(error: ConfigError): string {
  return error.message.replace(/^[^:]+: /, '');
}

/** Digits only: `1e3`, `0x10`, `1.0` and `-1` are typos in a count of days or accounts, not numbers to round. */
export function parseIntegerInRange(value: string, source: string, min: number, max: number): number {
  const trimmed = value.trim();
  const parsed = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${source}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** A 12-digit AWS account id, as a regular expression source to build ARN patterns from. */
export const ACCOUNT_ID_PATTERN = '\\d{12}';
const ACCOUNT_ID = new RegExp(`^${ACCOUNT_ID_PATTERN}$`);

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** `true` or `false`, any case; anything else is a mistake worth stopping for. */
export function parseBoolean(value: string, source: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  throw new ConfigError(`${source}: expected true or false, got ${JSON.stringify(value)}`);
}

/** Comma separated 12-digit account ids; blanks around commas are ignored. */
export function parseAccountIds(value: string, source: string): string[] {
  const ids = value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (ids.length === 0) throw new ConfigError(`${source}: expected comma separated 12-digit account ids, got an empty list`);
  const bad = ids.filter((id) => !isAccountId(id));
  if (bad.length > 0) {
    throw new ConfigError(`${source}: not a 12-digit AWS account id: ${bad.map((id) => JSON.stringify(id)).join(', ')}`);
  }
  return ids;
}

/** The characters IAM allows in user and role names (and in each segment of a path). */
export const IAM_NAME_CHARACTERS = '[\\w+=,.@-]';
const ROLE_NAME = new RegExp(`^${IAM_NAME_CHARACTERS}{1,64}$`);
// The role ARN is `role/<path>/<name>`, so a role to assume may be given with its path.
const ROLE_NAME_WITH_PATH = new RegExp(`^(${IAM_NAME_CHARACTERS}+/)*${IAM_NAME_CHARACTERS}{1,64}$`);

/** An IAM role name as IAM's RoleName takes it: 1-64 characters, no path. */
export function parseRoleName(value: string, source: string): string {
  const trimmed = value.trim();
  if (!ROLE_NAME.test(trimmed)) {
    throw new ConfigError(`${source}: not an IAM role name (1-64 letters, digits and +=,.@_-): ${JSON.stringify(value)}`);
  }
  return trimmed;
}

/** A role to assume: its name, optionally after its path (`audit/IAMAuditRole`). */
export function parseRoleNameWithPath(value: string, source: string): string {
  const trimmed = value.trim();
  if (!ROLE_NAME_WITH_PATH.test(trimmed)) {
    throw new ConfigError(`${source}: not an IAM role name (1-64 letters, digits and +=,.@_-, optionally after a path): ${JSON.stringify(value)}`);
  }
  return trimmed;
}

// Partition prefixes included: us-gov-west-1, cn-north-1, us-isob-east-1, eu-central-2...
export const REGION_PATTERN = '[a-z]{2}(-[a-z]+)+-\\d{1,2}';
const REGION = new RegExp(`^${REGION_PATTERN}$`);

export function parseRegion(value: string, source: string): string {
  const trimmed = value.trim();
  if (!REGION.test(trimmed)) throw new ConfigError(`${source}: not an AWS region name (like us-east-1): ${JSON.stringify(value)}`);
  return trimmed;
}

// sts:AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function parseExternalId(value: string, source: string): string {
  if (!EXTERNAL_ID.test(value)) {
    throw new ConfigError(`${source}: an external id is 2-1224 letters, digits and +=,.@:/_- characters`);
  }
  return value;
}

// arn:<partition>:sns:<region>:<account>:<name>; names are 1-256 of [A-Za-z0-9_-], `.fifo` for FIFO topics.
const TOPIC_ARN = new RegExp(`^arn:aws[a-z-]*:sns:${REGION_PATTERN}:${ACCOUNT_ID_PATTERN}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$`);

export function parseTopicArn(value: string, source: string): string {
  const trimmed = value.trim();
  if (!TOPIC_ARN.test(trimmed)) throw new ConfigError(`${source}: not an SNS topic ARN (arn:aws:sns:<region>:<account-id>:<topic>): ${JSON.stringify(value)}`);
  return trimmed;
}

// S3 general purpose bucket naming rules: 3-63 characters, lowercase letters, digits, dots and
// hyphens, beginning and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
// Names S3 keeps for its own features (punycode, access point aliases, Object Lambda, Multi-Region
// Access Points, directory and table buckets, documentation examples): creating one fails.
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

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

/** How far ahead of this machine's clock `--run-time` may be: clocks of different tasks drift a little. */
export const MAX_RUN_TIME_AHEAD_MS = 5 * 60 * 1000;
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

/** The flag's value, else the environment variable's, parsed; undefined when neither is given. */
export function flagOrEnvironment<T>(flagValue: T | undefined, env: Environment, name: string, parse: (value: string, source: string) => T): T | undefined {
  if (flagValue !== undefined) return flagValue;
  const envValue = fromEnvironment(env, name);
  return envValue === undefined ? undefined : parse(envValue, name);
}

// Every flag of the audit command, its default and its environment fallback, in one place. A new
// flag is an `.addOption` in `defineAuditOptions`, its field in `AuditConfig` read in
// `readAuditConfig` (with its environment variable from values/environment.ts, if it has one), and
// its line in docs/audit-command.md.
// Values are validated here, before anything is sent to AWS, and every error names the flag (or
// the environment variable) it came from.
import { Command, Option } from 'commander';
import { ConfigError, flagOrEnvironment, parseExternalId, parseIntegerInRange, parseRegion, parseRoleNameWithPath, type Environment } from '../values/parsers';
import { accountIdsParser, singleValueParser } from './flag-parsers';
import { outDirOption, profileOption, readDestinationConfig, runTimeOption, s3UriOption, type DestinationConfig, type ParsedDestinationOptions } from './destination-flags';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MAX_SHARD_COUNT } from '../values/run-limits';
import type { ShardSelection } from '../shard/shard';
import type { AuditOptions } from '../run/audit-options';
import { DEFAULT_ACCOUNT_TIMEOUT_SECONDS, DEFAULT_STOP_GRACE_SECONDS, MAX_ACCOUNT_TIMEOUT_SECONDS } from '../run/account-limits';
import { DEFAULT_AUDIT_ROLE_NAME } from '../values/audit-role';
import { ENV_ACCOUNT_TIMEOUT, ENV_CONCURRENCY, ENV_EXTERNAL_ID, ENV_ROLE_NAME, ENV_RUN_TIME, ENV_SETUP_TIMEOUT, ENV_SHARD, ENV_STOP_GRACE } from '../values/environment';
import { DEFAULT_SETUP_TIMEOUT_SECONDS, MAX_SETUP_TIMEOUT_SECONDS } from '../run/setup-deadline';

export const DEFAULT_CLOUDTRAIL_REGION = 'us-east-1';
/** CloudTrail's event history keeps 90 days of management events; LookupEvents sees no further. */
export const MAX_SINCE_DAYS = 90;
export const DEFAULT_SINCE_DAYS = 90;

/** A grace longer than this could not end within ECS's longest stop timeout (120 s) with the reports written. */
export const MAX_STOP_GRACE_SECONDS = 90;

/**
 * The command's configuration, validated: the run takes it as it is (it is an AuditOptions), and
 * the rest says where the reports go.
 */
export interface AuditConfig extends AuditOptions, DestinationConfig {
  accountTimeoutSeconds: number;
  stopGraceSeconds: number;
  /** `--setup-timeout`: the one deadline of everything before the first account. */
  setupTimeoutSeconds: number;
}

export function parseConcurrency(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_CONCURRENCY);
}

export function parseSinceDays(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_SINCE_DAYS);
}

export function parseAccountTimeout(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_ACCOUNT_TIMEOUT_SECONDS);
}

export function parseSetupTimeout(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_SETUP_TIMEOUT_SECONDS);
}

export function parseStopGrace(value: string, source: string): number {
  return parseIntegerInRange(value, source, 0, MAX_STOP_GRACE_SECONDS);
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

/** Adds the audit command's flags to `command`. */
export function defineAuditOptions(command: Command): Command {
  return command
    .addOption(new Option('--role <name>', `audit role to assume in every account (env ${ENV_ROLE_NAME}; default ${DEFAULT_AUDIT_ROLE_NAME}, the role the deployment creates)`).argParser(singleValueParser('--role', parseRoleNameWithPath)))
    .addOption(profileOption("the auditor's own credentials"))
    .addOption(outDirOption())
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
      new Option('--identity-center-region <region>', "IAM Identity Center's home region, where its instance is looked for (default: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1)").argParser(
        singleValueParser('--identity-center-region', parseRegion),
      ),
    )
    .addOption(new Option('--no-identity-center', 'do not read IAM Identity Center (the JSON report then has no identityCenter section)'))
    .addOption(
      new Option('--shard <i/n>', `audit only shard i of n (a stable slice by account id) and write it as a part for merge (env ${ENV_SHARD})`).argParser(
        singleValueParser('--shard', parseShard),
      ),
    )
    .addOption(runTimeOption("the run's reference time (timestamps, key ages, CloudTrail window) instead of the clock; give every shard of a run the same one"))
    .addOption(
      new Option(
        '--account-timeout <seconds>',
        `deadline of one account, 1-${MAX_ACCOUNT_TIMEOUT_SECONDS}: past it the account's calls are cut and it is reported partial or not audited (env ${ENV_ACCOUNT_TIMEOUT}; default ${DEFAULT_ACCOUNT_TIMEOUT_SECONDS})`,
      ).argParser(singleValueParser('--account-timeout', parseAccountTimeout)),
    )
    .addOption(
      new Option(
        '--setup-timeout <seconds>',
        `one deadline for everything before the first account (identity, organization, account listing, exemptions file, previous run and history from S3), 1-${MAX_SETUP_TIMEOUT_SECONDS} (env ${ENV_SETUP_TIMEOUT}; default ${DEFAULT_SETUP_TIMEOUT_SECONDS})`,
      ).argParser(singleValueParser('--setup-timeout', parseSetupTimeout)),
    )
    .addOption(
      new Option(
        '--stop-grace <seconds>',
        `after SIGTERM or SIGINT, how long accounts in flight may still finish before the reports are written, 0-${MAX_STOP_GRACE_SECONDS} (env ${ENV_STOP_GRACE}; default ${DEFAULT_STOP_GRACE_SECONDS})`,
      ).argParser(singleValueParser('--stop-grace', parseStopGrace)),
    )
    .addOption(s3UriOption());
}

/** What commander hands back for the options above. */
interface ParsedAuditOptions extends ParsedDestinationOptions {
  role?: string;
  accounts?: string[];
  excludeAccounts?: string[];
  concurrency?: number;
  externalId?: string;
  cloudtrailRegion: string;
  sinceDays: number;
  cloudtrail: boolean;
  identityCenterRegion?: string;
  identityCenter: boolean;
  shard?: ShardSelection;
  accountTimeout?: number;
  setupTimeout?: number;
  stopGrace?: number;
}

/** Flags first, then the environment, then defaults. Throws ConfigError naming the flag or variable. */
export function readAuditConfig(command: Command, env: Environment): AuditConfig {
  const options = command.opts<ParsedAuditOptions>();

  const roleName = flagOrEnvironment(options.role, env, ENV_ROLE_NAME, parseRoleNameWithPath) ?? DEFAULT_AUDIT_ROLE_NAME;
  const concurrency = flagOrEnvironment(options.concurrency, env, ENV_CONCURRENCY, parseConcurrency) ?? DEFAULT_CONCURRENCY;
  const externalId = flagOrEnvironment(options.externalId, env, ENV_EXTERNAL_ID, parseExternalId);
  const destination = readDestinationConfig(options, env);
  const { runTime } = destination;
  const shard = flagOrEnvironment(options.shard, env, ENV_SHARD, parseShard);
  const accountTimeoutSeconds = flagOrEnvironment(options.accountTimeout, env, ENV_ACCOUNT_TIMEOUT, parseAccountTimeout) ?? DEFAULT_ACCOUNT_TIMEOUT_SECONDS;
  const stopGraceSeconds = flagOrEnvironment(options.stopGrace, env, ENV_STOP_GRACE, parseStopGrace) ?? DEFAULT_STOP_GRACE_SECONDS;
  const setupTimeoutSeconds = flagOrEnvironment(options.setupTimeout, env, ENV_SETUP_TIMEOUT, parseSetupTimeout) ?? DEFAULT_SETUP_TIMEOUT_SECONDS;

  // Shards that each took their own clock would be parts of different runs, which merge refuses.
  if (shard !== undefined && runTime === undefined) {
    throw new ConfigError(`--shard: give every shard of the run the same --run-time (or ${ENV_RUN_TIME}), e.g. --run-time ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  }

  const includeAccounts = options.accounts === undefined ? undefined : [...new Set(options.accounts)];
  const excludeAccounts = options.excludeAccounts === undefined ? undefined : [...new Set(options.excludeAccounts)];
  const both = (includeAccounts ?? []).filter((id) => excludeAccounts?.includes(id));
  if (both.length > 0) throw new ConfigError(`--accounts and --exclude-accounts both name ${both.join(', ')}`);

  const config: AuditConfig = {
    ...destination,
    roleName,
    concurrency,
    cloudTrail: { enabled: options.cloudtrail, region: options.cloudtrailRegion, sinceDays: options.sinceDays },
    accountTimeoutSeconds,
    stopGraceSeconds,
    setupTimeoutSeconds,
  };
  if (options.identityCenter) {
    const fromEnvironment = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    config.identityCenter = { region: options.identityCenterRegion ?? (fromEnvironment ? parseRegion(fromEnvironment, env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION') : DEFAULT_CLOUDTRAIL_REGION) };
  }
  if (includeAccounts !== undefined) config.includeAccounts = includeAccounts;
  if (excludeAccounts !== undefined) config.excludeAccounts = excludeAccounts;
  if (externalId !== undefined) config.externalId = externalId;
  if (shard !== undefined) config.shard = shard;
  return config;
}

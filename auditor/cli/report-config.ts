// The flags of the findings, comparison and notification step, kept beside the audit's own flags
// (audit-config.ts) and added to the same command. Values are checked before anything is sent to AWS.
import { Command, Option } from 'commander';
import { ConfigError, flagOrEnvironment, parseBoolean, parseIntegerInRange, parseS3Uri, parseTopicArn, type Environment } from '../values/parsers';
import { singleValueParser } from './flag-parsers';
import { SEVERITIES, type Severity } from '../analysis/findings/finding';
import { DEFAULT_THRESHOLDS, type FindingThresholds } from '../analysis/findings/thresholds';
import type { ExemptionsSource } from '../publish/exemptions-source';
import type { ReportConfig } from '../app/report-options';

import { ENV_EXEMPTION_MAX_DAYS, ENV_EXEMPTIONS, ENV_SECURITY_HUB, ENV_SNS_TOPIC_ARN } from '../values/environment';
import { DEFAULT_EXEMPTION_MAX_DAYS, MAX_EXEMPTION_MAX_DAYS } from '../values/run-limits';

/** Ten years: a longer limit is a typo, not a policy. */
export const MAX_THRESHOLD_DAYS = 3650;

/** A path, or `s3://<bucket>/<key>` of one object. */
export function parseExemptionsSource(value: string, source: string): ExemptionsSource {
  const trimmed = value.trim();
  if (trimmed === '') throw new ConfigError(`${source}: the file name may not be empty`);
  if (!/^s3:\/\//i.test(trimmed)) return { kind: 'file', path: trimmed };
  const location = parseS3Uri(trimmed, source);
  if (location.prefix === '' || trimmed.endsWith('/')) throw new ConfigError(`${source}: expected s3://<bucket>/<key> of the exemptions file, got ${JSON.stringify(value)}`);
  return { kind: 's3', bucket: location.bucket, key: location.prefix };
}

export function parseExemptionMaxDays(value: string, source: string): number {
  return parseIntegerInRange(value, source, 1, MAX_EXEMPTION_MAX_DAYS);
}

function daysParser(flag: string) {
  return singleValueParser(flag, (value, source) => parseIntegerInRange(value, source, 1, MAX_THRESHOLD_DAYS));
}

/** Adds the report flags to the audit command. */
export function defineReportOptions(command: Command): Command {
  return command
    .addOption(new Option('--key-max-age-days <n>', 'an active access key older than this is due for rotation (medium)').default(DEFAULT_THRESHOLDS.keyMaxAgeDays).argParser(daysParser('--key-max-age-days')))
    .addOption(new Option('--key-critical-age-days <n>', 'an active access key older than this is a high finding').default(DEFAULT_THRESHOLDS.keyCriticalAgeDays).argParser(daysParser('--key-critical-age-days')))
    .addOption(new Option('--unused-days <n>', 'a password or key unused this long should be disabled').default(DEFAULT_THRESHOLDS.unusedDays).argParser(daysParser('--unused-days')))
    .addOption(new Option('--recent-login-days <n>', 'a console user without MFA who signed in within this many days is critical').default(DEFAULT_THRESHOLDS.recentLoginDays).argParser(daysParser('--recent-login-days')))
    .addOption(new Option('--compare <file>', 'a previous iam_audit_*.json: report new and removed keys, users who gained MFA, new and resolved findings (default: the newest earlier report in the bucket with --s3-uri, else in --out-dir)'))
    .addOption(new Option('--no-compare', 'do not compare with an earlier run'))
    .addOption(new Option('--fail-on <severity>', 'exit with code 3 when any finding is at or above this severity').choices([...SEVERITIES]))
    .addOption(new Option('--sns-topic-arn <arn>', `publish a short run summary to this SNS topic (env ${ENV_SNS_TOPIC_ARN})`).argParser(singleValueParser('--sns-topic-arn', parseTopicArn)))
    .addOption(new Option('--exemptions <file>', `YAML file of accepted findings (account, user, rule, reason, expires), a path or s3://<bucket>/<key>: matching findings are muted (env ${ENV_EXEMPTIONS})`).argParser(
      singleValueParser('--exemptions', parseExemptionsSource),
    ))
    .addOption(
      new Option(
        '--exemption-max-days <n>',
        `an exemption whose expires is more than n days after the run is refused, 1-${MAX_EXEMPTION_MAX_DAYS} (env ${ENV_EXEMPTION_MAX_DAYS}; default ${DEFAULT_EXEMPTION_MAX_DAYS})`,
      ).argParser(singleValueParser('--exemption-max-days', parseExemptionMaxDays)),
    )
    .addOption(new Option('--security-hub', `import the findings into AWS Security Hub in the auditor's own account and region, archiving the ones fixed since (env ${ENV_SECURITY_HUB}=true)`));
}

interface ParsedReportOptions {
  keyMaxAgeDays: number;
  keyCriticalAgeDays: number;
  unusedDays: number;
  recentLoginDays: number;
  /** A file, or false for `--no-compare`. */
  compare?: string | false;
  failOn?: Severity;
  snsTopicArn?: string;
  exemptions?: ExemptionsSource;
  exemptionMaxDays?: number;
  securityHub?: boolean;
}

/** Flags first, then the environment. Throws ConfigError naming the flag or variable. */
export function readReportConfig(command: Command, env: Environment): ReportConfig {
  const options = command.opts<ParsedReportOptions>();
  const thresholds: FindingThresholds = {
    keyMaxAgeDays: options.keyMaxAgeDays,
    keyCriticalAgeDays: options.keyCriticalAgeDays,
    unusedDays: options.unusedDays,
    recentLoginDays: options.recentLoginDays,
  };
  if (thresholds.keyCriticalAgeDays <= thresholds.keyMaxAgeDays) {
    throw new ConfigError(`--key-critical-age-days (${thresholds.keyCriticalAgeDays}) must be greater than --key-max-age-days (${thresholds.keyMaxAgeDays})`);
  }
  const securityHub = flagOrEnvironment(options.securityHub, env, ENV_SECURITY_HUB, parseBoolean) ?? false;
  const exemptionMaxDays = flagOrEnvironment(options.exemptionMaxDays, env, ENV_EXEMPTION_MAX_DAYS, parseExemptionMaxDays) ?? DEFAULT_EXEMPTION_MAX_DAYS;
  const config: ReportConfig = { thresholds, findPrevious: options.compare !== false, securityHub, exemptionMaxDays };
  if (typeof options.compare === 'string') {
    if (options.compare.trim() === '') throw new ConfigError('--compare: the file name may not be empty');
    config.comparePath = options.compare;
  }
  if (options.failOn !== undefined) config.failOn = options.failOn;
  const snsTopicArn = flagOrEnvironment(options.snsTopicArn, env, ENV_SNS_TOPIC_ARN, parseTopicArn);
  if (snsTopicArn !== undefined) config.snsTopicArn = snsTopicArn;
  const exemptions = flagOrEnvironment(options.exemptions, env, ENV_EXEMPTIONS, parseExemptionsSource);
  if (exemptions !== undefined) config.exemptions = exemptions;
  return config;
}

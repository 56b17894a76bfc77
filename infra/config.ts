import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_AUDIT_ROLE_NAME } from '../auditor/values/audit-role';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MAX_SHARD_COUNT } from '../auditor/values/run-limits';
import { ACCOUNT_ID_PATTERN, ConfigError, IAM_NAME_CHARACTERS, parseIntegerInRange, parseRegion, parseRoleName, problemOf } from '../auditor/values/parsers';
import { iamEventsRegion } from './credential-alert-rule';
import { DEFAULT_EXEMPTIONS_S3_KEY, readDeploymentExemptions, type DeploymentExemptions } from './exemptions-file';
import { scheduleExpressionProblem } from './schedule-expression';
import { timeZoneProblem } from './time-zone';

/** The Pulumi project name: every key of this program's configuration is `iam-audit-kit:<key>`. */
export const CONFIG_NAMESPACE = 'iam-audit-kit';

export type StackSetCallAs = 'SELF' | 'DELEGATED_ADMIN';

/** The deployment's settings, validated. Every field has a default except `imageUri`. */
export interface DeploymentConfig {
  auditRoleName: string;
  /** Empty: the organization root, so every member account gets the role. */
  targetOrganizationalUnitIds: string[];
  stackSetRegion: string;
  callAs: StackSetCallAs;
  extraTrustedPrincipalArns: string[];
  scheduleExpression: string;
  scheduleTimezone: string;
  /** Empty: the default VPC's default subnets. */
  subnetIds: string[];
  assignPublicIp: boolean;
  /** Given: no ECR repository and no image build. */
  imageUri: string | undefined;
  reportRetentionDays: number;
  noncurrentReportRetentionDays: number;
  logRetentionDays: number;
  taskCpu: number;
  taskMemory: number;
  auditorConcurrency: number;
  /** Given: the run summary topic gets an email subscription to this address. */
  notificationEmail: string | undefined;
  /**
   * Tasks that share each scheduled run (`--shard i/n`, then `merge`). 1: one task audits the
   * whole organization, as without sharding.
   */
  shards: number;
  /**
   * Given: the key, in the reports bucket, of the audit's exemptions file; the task reads it
   * (AUDIT_EXEMPTIONS) and its role may read that object. With `exemptionsFile` and no key of its
   * own, `config/exemptions.yaml`.
   */
  exemptionsS3Key: string | undefined;
  /**
   * Given: the exemptions file, read and checked at `pulumi up` (an expired entry is refused),
   * uploaded to `exemptionsS3Key` and made the carve-outs of the access-key SCP.
   */
  exemptionsFile: DeploymentExemptions | undefined;
  /**
   * True: every run imports its findings into Security Hub in the deployment's account and region
   * (AUDIT_SECURITY_HUB=true), and the task role may.
   */
  securityHub: boolean;
  /** The organization's guardrails, as SCPs attached to `enforcementTargetIds` (each off by default). */
  enforceNoAccessKeys: boolean;
  enforceConsoleMfa: boolean;
  enforceNoRootUser: boolean;
  /** IAM's centralized root access (RootCredentialsManagement, RootSessions), with its trusted access. */
  centralizeRootAccess: boolean;
  /** The root, OUs or accounts the SCPs attach to. Empty: the organization root. */
  enforcementTargetIds: string[];
  /**
   * An alert on the notification topic within minutes when a long-lived credential appears in any
   * account (EventBridge rules in IAM's events region forwarding to a central bus). Default true.
   */
  credentialAlerts: boolean;
}

export const DEFAULT_SCHEDULE_EXPRESSION = 'cron(0 6 ? * MON *)';

/** Raised for any bad setting; the message starts with the full key, e.g. `iam-audit-kit:taskMemory`. */
export class DeploymentConfigError extends Error {
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`${CONFIG_NAMESPACE}:${key}: ${problem}`);
    this.name = 'DeploymentConfigError';
  }
}

/** The values CloudWatch Logs accepts for a log group's retention. */
export const CLOUDWATCH_LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Fargate's CPU units and, for each, the memory sizes (MiB) it can be paired with. */
const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

export function isValidFargateSize(cpu: number, memory: number): boolean {
  return FARGATE_MEMORY_BY_CPU.get(cpu)?.includes(memory) ?? false;
}

export const SETTING_KEYS = [
  'auditRoleName',
  'targetOrganizationalUnitIds',
  'stackSetRegion',
  'callAs',
  'extraTrustedPrincipalArns',
  'scheduleExpression',
  'scheduleTimezone',
  'subnetIds',
  'assignPublicIp',
  'imageUri',
  'reportRetentionDays',
  'noncurrentReportRetentionDays',
  'logRetentionDays',
  'taskCpu',
  'taskMemory',
  'auditorConcurrency',
  'notificationEmail',
  'shards',
  'exemptionsS3Key',
  'securityHub',
  'enforceNoAccessKeys',
  'enforceConsoleMfa',
  'enforceNoRootUser',
  'centralizeRootAccess',
  'enforcementTargetIds',
  'exemptionsFile',
  'credentialAlerts',
] as const;

export type DeploymentSettingKey = (typeof SETTING_KEYS)[number];

const TARGET_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
// An SCP may also be attached to one account (a pilot before the OU or the root).
const POLICY_TARGET_ID = new RegExp(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}|${ACCOUNT_ID_PATTERN})$`);
const IAM_PATH_AND_NAME = `(${IAM_NAME_CHARACTERS}+/)*${IAM_NAME_CHARACTERS}+`;
const PRINCIPAL_ARN = new RegExp(
  `^arn:aws[a-z-]*:(iam::${ACCOUNT_ID_PATTERN}:(root|role/${IAM_PATH_AND_NAME}|user/${IAM_PATH_AND_NAME})` +
    `|sts::${ACCOUNT_ID_PATTERN}:assumed-role/${IAM_NAME_CHARACTERS}+/${IAM_NAME_CHARACTERS}+)$`,
);
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
// An S3 object key of segments without blanks around them, none empty, "." or "..": what an s3:// URI can name.
const OBJECT_KEY = /^(?!.*(^|\/)\.{1,2}(\/|$))[^/\s][^/]{0,254}(\/[^/\s][^/]{0,254})*$/;
// One plain address (SNS email endpoints take exactly one): local@domain.tld, no spaces or commas.
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]+$/;
// registry/repository[:tag|@digest]; a registry host is required so the task never pulls from an unexpected default.
const IMAGE_URI = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/**
 * Reads this project's settings with `pulumi.Config`'s typed getters (each key declared, with its
 * type, default and description, in Pulumi.yaml's `config:` block) and validates them all before
 * any resource is registered. `pulumi up` fills in Pulumi.yaml's defaults; the same defaults apply
 * here when a key is unset, as under the test mocks. The StackSet region defaults to the AWS
 * provider's region (`aws:region`, or the environment the provider reads it from).
 */
export function loadDeploymentConfig(now: number = Date.now()): DeploymentConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const prefix = `${CONFIG_NAMESPACE}:`;
  const known = new Set<string>(SETTING_KEYS);
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    const key = fullKey.slice(prefix.length);
    if (fullKey.startsWith(prefix) && !known.has(key)) {
      throw new DeploymentConfigError(key, `unknown setting; known settings: ${SETTING_KEYS.join(', ')}`);
    }
  }
  const text = (key: DeploymentSettingKey): string | undefined => {
    const value = config.get(key)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const auditRoleName = parsed('auditRoleName', text('auditRoleName') ?? DEFAULT_AUDIT_ROLE_NAME, parseRoleName);
  const targetOrganizationalUnitIds = unique('targetOrganizationalUnitIds',
    stringList(config, 'targetOrganizationalUnitIds').map((id) =>
      matching('targetOrganizationalUnitIds', id, TARGET_ID, 'an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)')));
  const providerRegion = new pulumi.Config('aws').get('region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const stackSetRegionText = text('stackSetRegion') ?? providerRegion;
  if (stackSetRegionText === undefined || stackSetRegionText.trim() === '') {
    throw new DeploymentConfigError('stackSetRegion',
      'not set, and neither is aws:region (nor AWS_REGION): set the region to deploy to, e.g. `pulumi config set aws:region us-east-1`; the StackSet follows it unless stackSetRegion names another');
  }
  // One region: the audit role is global, so one StackSet region is enough.
  const stackSetRegion = parsed('stackSetRegion', stackSetRegionText.trim(), parseRegion);
  const callAs = oneOf('callAs', text('callAs') ?? 'SELF', ['SELF', 'DELEGATED_ADMIN'] as const);
  const extraTrustedPrincipalArns = unique('extraTrustedPrincipalArns',
    stringList(config, 'extraTrustedPrincipalArns').map((arn) =>
      matching('extraTrustedPrincipalArns', arn, PRINCIPAL_ARN, 'an IAM role, user or account-root ARN')));
  const scheduleExpression = checked('scheduleExpression', text('scheduleExpression') ?? DEFAULT_SCHEDULE_EXPRESSION, scheduleExpressionProblem);
  const scheduleTimezone = checked('scheduleTimezone', text('scheduleTimezone') ?? 'UTC', timeZoneProblem);
  const subnetIds = unique('subnetIds',
    stringList(config, 'subnetIds').map((id) => matching('subnetIds', id, SUBNET_ID, 'a subnet id (subnet-0123abcd)')));
  const assignPublicIp = bool(config, 'assignPublicIp') ?? true;
  const imageUriText = text('imageUri');
  const imageUri = imageUriText === undefined ? undefined
    : matching('imageUri', imageUriText, IMAGE_URI, 'an image reference with registry, repository and :tag or @sha256:digest');
  const reportRetentionDays = integer(config, 'reportRetentionDays', 365, 1, 36500);
  const noncurrentReportRetentionDays = integer(config, 'noncurrentReportRetentionDays', 30, 1, 36500);
  const logRetentionDays = integer(config, 'logRetentionDays', 90, 1, 3653);
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new DeploymentConfigError('logRetentionDays',
      `${logRetentionDays} is not a CloudWatch Logs retention; use one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}`);
  }
  // 1 vCPU and 2 GB, from `npm run bench`: 1,000 accounts x 50 users at the default concurrency kept
  // one core half to 60% busy (0.5 vCPU would make the run CPU-bound), and 10,000 accounts x 20 users peaked
  // at 839 MB with a 768 MB heap; 2 GB is also the smallest memory Fargate pairs with 1 vCPU.
  const taskCpu = integer(config, 'taskCpu', 1024, 256, 16384);
  if (!FARGATE_MEMORY_BY_CPU.has(taskCpu)) {
    throw new DeploymentConfigError('taskCpu', `${taskCpu} is not a Fargate CPU size; use one of ${[...FARGATE_MEMORY_BY_CPU.keys()].join(', ')}`);
  }
  const taskMemory = integer(config, 'taskMemory', 2048, 512, 122880);
  if (!isValidFargateSize(taskCpu, taskMemory)) {
    throw new DeploymentConfigError('taskMemory',
      `${taskMemory} MiB cannot be paired with ${taskCpu} CPU units on Fargate; use one of ${FARGATE_MEMORY_BY_CPU.get(taskCpu)?.join(', ')}`);
  }
  const auditorConcurrency = integer(config, 'auditorConcurrency', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY);
  const notificationEmailText = text('notificationEmail');
  const notificationEmail = notificationEmailText === undefined ? undefined
    : matching('notificationEmail', notificationEmailText, EMAIL, 'one email address such as security@example.com');

  const shards = integer(config, 'shards', 1, 1, MAX_SHARD_COUNT);
  const exemptionsS3KeyText = text('exemptionsS3Key');
  const exemptionsS3Key = exemptionsS3KeyText === undefined ? undefined
    : matching('exemptionsS3Key', exemptionsS3KeyText, OBJECT_KEY, 'the key of one object in the reports bucket, such as config/exemptions.yaml (no leading or trailing slash, no empty, "." or ".." segment)');

  const securityHub = bool(config, 'securityHub') ?? false;

  const enforceNoAccessKeys = bool(config, 'enforceNoAccessKeys') ?? false;
  const enforceConsoleMfa = bool(config, 'enforceConsoleMfa') ?? false;
  const enforceNoRootUser = bool(config, 'enforceNoRootUser') ?? false;
  const centralizeRootAccess = bool(config, 'centralizeRootAccess') ?? false;
  const enforcementTargetIds = unique('enforcementTargetIds',
    stringList(config, 'enforcementTargetIds').map((id) =>
      matching('enforcementTargetIds', id, POLICY_TARGET_ID, 'a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a 12-digit account id')));
  const exemptionsFileText = text('exemptionsFile');
  let exemptionsFile: DeploymentExemptions | undefined;
  if (exemptionsFileText !== undefined) {
    try {
      exemptionsFile = readDeploymentExemptions(exemptionsFileText, now);
    } catch (error) {
      throw new DeploymentConfigError('exemptionsFile', error instanceof Error ? error.message : String(error));
    }
  }

  const credentialAlerts = bool(config, 'credentialAlerts') ?? true;
  if (credentialAlerts) {
    try {
      iamEventsRegion(stackSetRegion);
    } catch (error) {
      throw new DeploymentConfigError('credentialAlerts', `${error instanceof Error ? error.message : String(error)}; set credentialAlerts to false`);
    }
  }

  return {
    auditRoleName, targetOrganizationalUnitIds, stackSetRegion, callAs, extraTrustedPrincipalArns,
    scheduleExpression, scheduleTimezone, subnetIds, assignPublicIp, imageUri, reportRetentionDays,
    noncurrentReportRetentionDays, logRetentionDays, taskCpu, taskMemory, auditorConcurrency, notificationEmail, shards,
    // The uploaded file is the one the task reads.
    exemptionsS3Key: exemptionsS3Key ?? (exemptionsFile === undefined ? undefined : DEFAULT_EXEMPTIONS_S3_KEY),
    exemptionsFile, securityHub, enforceNoAccessKeys, enforceConsoleMfa, enforceNoRootUser, centralizeRootAccess,
    enforcementTargetIds, credentialAlerts,
  };
}

function matching(key: DeploymentSettingKey, value: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(value)) throw new DeploymentConfigError(key, `${JSON.stringify(value)} is not ${expected}`);
  return value;
}

function checked(key: DeploymentSettingKey, value: string, problemOfValue: (value: string) => string | undefined): string {
  const problem = problemOfValue(value);
  if (problem !== undefined) throw new DeploymentConfigError(key, `${JSON.stringify(value)}: ${problem}`);
  return value;
}

function oneOf<T extends string>(key: DeploymentSettingKey, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new DeploymentConfigError(key, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return found;
}

function bool(config: pulumi.Config, key: DeploymentSettingKey): boolean | undefined {
  try {
    return config.getBoolean(key);
  } catch {
    throw new DeploymentConfigError(key, `${JSON.stringify(config.get(key))} is not true or false`);
  }
}

/** A whole number in range, by the auditor's shared parser, so every count is judged alike. */
function integer(config: pulumi.Config, key: DeploymentSettingKey, fallback: number, min: number, max: number): number {
  let value: number | undefined;
  try {
    value = config.getNumber(key);
  } catch {
    // Not a number at all: the shared parser words the problem as for any other bad count.
    return parsed(key, config.get(key) ?? '', (text, source) => parseIntegerInRange(text, source, min, max));
  }
  return parsed(key, String(value ?? fallback), (text, source) => parseIntegerInRange(text, source, min, max));
}

/** Runs one of the auditor's shared parsers, naming the config key in its error as every setting's error does. */
function parsed<T>(key: DeploymentSettingKey, value: string, parse: (value: string, source: string) => T): T {
  try {
    return parse(value, key);
  } catch (error) {
    if (error instanceof ConfigError) throw new DeploymentConfigError(key, problemOf(error));
    throw error;
  }
}

/** A list of strings (Pulumi hands YAML lists over as JSON); unset is empty. */
function stringList(config: pulumi.Config, key: DeploymentSettingKey): string[] {
  let value: unknown;
  try {
    value = config.getObject<unknown>(key);
  } catch {
    throw new DeploymentConfigError(key, `${JSON.stringify(config.get(key))} is not a list; write a YAML list, e.g. [a, b]`);
  }
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new DeploymentConfigError(key, 'must be a list of strings');
  }
  return value.map((item) => item.trim());
}

function unique(key: DeploymentSettingKey, values: string[]): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new DeploymentConfigError(key, `${JSON.stringify(value)} is listed twice`);
    seen.add(value);
  }
  return values;
}

// Every IAM document the deployment creates, as pure functions of plain values, so the tests can feed
// the very same documents to a policy evaluator. Resources turn them into JSON with pulumi.jsonStringify.
import { ASSUME_ROLE_ACTION, AUDIT_ROLE_ACTIONS, MANAGEMENT_ACTIONS } from '../auditor/permissions';
import { PREVIOUS_RUN_S3_ACTIONS } from '../auditor/publish/previous-run';
import { NOTIFY_ACTIONS } from '../auditor/publish/notify';
import { EXEMPTIONS_S3_ACTIONS } from '../auditor/publish/exemptions-source';
import { S3_UPLOAD_ACTIONS } from '../auditor/publish/sinks/s3';
import { SHARD_PARTS_S3_ACTIONS } from '../auditor/publish/shard-parts';
import { SECURITY_HUB_HUB_ACTIONS, SECURITY_HUB_IMPORT_ACTIONS } from '../auditor/publish/security-hub/import-findings';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export const REPORTS_PREFIX = 'reports/';

function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The audit role's permissions, in every member account and in the management account: exactly the
 * reads the auditor declares. `Resource: *` because the credential report, account summary, MFA and
 * CloudTrail lookups have no narrower resource. Sorted, so the committed template changes only when
 * the set of actions does.
 */
export function auditRolePermissionsPolicy(): PolicyDocument {
  return policy({ Sid: 'AuditorDeclaredReads', Effect: 'Allow', Action: [...AUDIT_ROLE_ACTIONS].sort(), Resource: '*' });
}

/** Who may assume the audit role: the named principals, and only from inside the organization. */
export function auditRoleTrustPolicy(trustedPrincipalArns: string[], organizationId: string): PolicyDocument {
  return policy({
    Sid: 'AuditorAssumesFromInsideTheOrganization',
    Effect: 'Allow',
    Principal: { AWS: trustedPrincipalArns },
    Action: ASSUME_ROLE_ACTION,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
  });
}

/** Trust for a role an AWS service assumes on this account's behalf, and for no other account. */
export function serviceTrustPolicy(service: string, accountId: string): PolicyDocument {
  return policy({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  });
}

/** Actions an auditor module declares next to the code that calls them, and where they are allowed. */
export interface ActionGrant {
  sid: string;
  actions: readonly string[];
  resource: string | string[];
  condition?: ConditionBlock;
}

function grantStatement(grant: ActionGrant): PolicyStatement {
  const actions = [...new Set(grant.actions)].sort();
  return {
    Sid: grant.sid,
    Effect: 'Allow',
    Action: actions.length === 1 ? actions[0] : actions,
    Resource: grant.resource,
    ...(grant.condition === undefined ? {} : { Condition: grant.condition }),
  };
}

// S3 evaluates these against the bucket's ARN, every other S3 action against an object's.
const S3_BUCKET_LEVEL_ACTIONS: ReadonlySet<string> = new Set(['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads']);

/**
 * S3 actions confined to the reports prefix: object actions on the objects under it, and listing on
 * the bucket for that prefix only (`<sid>List`).
 */
export function reportsPrefixGrants(sid: string, actions: readonly string[], bucketArn: string): ActionGrant[] {
  const bucketActions = actions.filter((action) => S3_BUCKET_LEVEL_ACTIONS.has(action));
  const objectActions = actions.filter((action) => !S3_BUCKET_LEVEL_ACTIONS.has(action));
  const grants: ActionGrant[] = [];
  if (objectActions.length > 0) grants.push({ sid, actions: objectActions, resource: `${bucketArn}/${REPORTS_PREFIX}*` });
  if (bucketActions.length > 0) {
    grants.push({
      sid: `${sid}List`,
      actions: bucketActions,
      resource: bucketArn,
      condition: { StringLike: { 's3:prefix': [REPORTS_PREFIX, `${REPORTS_PREFIX}*`] } },
    });
  }
  return grants;
}

export interface AuditorTaskPolicyInput {
  partition: string;
  auditRoleName: string;
  bucketArn: string;
  /** The topic each run's summary is published to. */
  notificationTopicArn: string;
  /** The key of the exemptions file in the reports bucket, when the stack sets one. */
  exemptionsS3Key?: string;
  /** With the stack setting `securityHub`: the account and region the findings are imported into. */
  securityHub?: { accountId: string; region: string };
}

/**
 * `--security-hub` from the task: the findings go through the account's default product, and the
 * open ones are read and updated in its hub, in the deployment's own account and region only.
 */
function securityHubGrants(partition: string, target: { accountId: string; region: string }): ActionGrant[] {
  const base = `arn:${partition}:securityhub:${target.region}:${target.accountId}`;
  return [
    { sid: 'ImportFindingsToSecurityHub', actions: SECURITY_HUB_IMPORT_ACTIONS, resource: `${base}:product/${target.accountId}/default` },
    { sid: 'ReadAndUpdateSecurityHubFindings', actions: SECURITY_HUB_HUB_ACTIONS, resource: `${base}:hub/default` },
  ];
}

/**
 * What the auditor's own credentials may do in Fargate, each grant built from the action list the
 * auditor declares next to the code that calls it: list the organization, hop into each account's
 * audit role (and no other role), write the reports and read earlier runs and shard parts under
 * the reports prefix, and publish the run summary to this deployment's topic.
 */
export function auditorTaskRoleGrants(input: AuditorTaskPolicyInput): ActionGrant[] {
  return [
    { sid: 'ListTheOrganization', actions: MANAGEMENT_ACTIONS, resource: '*' },
    { sid: 'AssumeTheAuditRoleInEveryAccount', actions: [ASSUME_ROLE_ACTION], resource: `arn:${input.partition}:iam::*:role/${input.auditRoleName}` },
    ...reportsPrefixGrants('UploadReports', S3_UPLOAD_ACTIONS, input.bucketArn),
    ...reportsPrefixGrants('ReadPreviousRuns', PREVIOUS_RUN_S3_ACTIONS, input.bucketArn),
    ...reportsPrefixGrants('ReadShardParts', SHARD_PARTS_S3_ACTIONS, input.bucketArn),
    { sid: 'PublishRunSummary', actions: NOTIFY_ACTIONS, resource: input.notificationTopicArn },
    ...(input.exemptionsS3Key === undefined ? [] : [{ sid: 'ReadExemptions', actions: EXEMPTIONS_S3_ACTIONS, resource: `${input.bucketArn}/${input.exemptionsS3Key}` }]),
    ...(input.securityHub === undefined ? [] : securityHubGrants(input.partition, input.securityHub)),
  ];
}

export function auditorTaskRolePolicy(input: AuditorTaskPolicyInput): PolicyDocument {
  return policy(...auditorTaskRoleGrants(input).map(grantStatement));
}

export interface ExecutionRolePolicyInput {
  /** The ECR repository the image comes from; absent for an image outside ECR. */
  repositoryArn: string | undefined;
  logGroupArn: string;
}

/** What ECS itself needs to start the task: pull the image, write the container's logs. */
export function taskExecutionRolePolicy(input: ExecutionRolePolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (input.repositoryArn !== undefined) {
    // GetAuthorizationToken has no resource-level permissions.
    statements.push({ Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    statements.push({
      Sid: 'PullTheAuditorImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: input.repositoryArn,
    });
  }
  statements.push({
    Sid: 'WriteContainerLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `${input.logGroupArn}:log-stream:*`,
  });
  return policy(...statements);
}

export interface SchedulerRolePolicyInput {
  taskDefinitionArn: string;
  clusterArn: string;
  passRoleArns: string[];
}

/** Start this task definition revision on this cluster, and hand the task these roles only. */
function runAuditorTaskStatements(input: SchedulerRolePolicyInput): { runTask: PolicyStatement; passRoles: PolicyStatement } {
  return {
    runTask: {
      Sid: 'RunTheAuditorTask',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: input.taskDefinitionArn,
      Condition: { ArnEquals: { 'ecs:cluster': input.clusterArn } },
    },
    passRoles: {
      Sid: 'PassTheAuditorRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: input.passRoleArns,
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
  };
}

/** The schedule may start this task definition revision on this cluster and hand it these roles only. */
export function schedulerRolePolicy(input: SchedulerRolePolicyInput): PolicyDocument {
  const { runTask, passRoles } = runAuditorTaskStatements(input);
  return policy(runTask, passRoles);
}

export interface ShardedRunPolicyInput extends SchedulerRolePolicyInput {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
}

/** The rule Step Functions itself creates to learn when a task started with `ecs:runTask.sync` stops. */
export const SYNC_ECS_TASK_RULE_NAME = 'StepFunctionsGetEventsForECSTaskRule';

/**
 * The sharded run's state machine: start this task definition revision on this cluster, follow
 * and stop the tasks it started there, hand them the auditor's roles, and keep the managed rule
 * that `.sync` waits on.
 */
export function shardedRunStateMachinePolicy(input: ShardedRunPolicyInput): PolicyDocument {
  const { runTask, passRoles } = runAuditorTaskStatements(input);
  return policy(
    { ...runTask, Sid: 'RunTheAuditorTasks' },
    {
      Sid: 'FollowAndStopTheAuditorTasks',
      Effect: 'Allow',
      Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
      Resource: `arn:${input.partition}:ecs:${input.region}:${input.accountId}:task/${input.clusterName}/*`,
    },
    passRoles,
    {
      Sid: 'KeepTheRuleThatSyncWaitsOn',
      Effect: 'Allow',
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: `arn:${input.partition}:events:${input.region}:${input.accountId}:rule/${SYNC_ECS_TASK_RULE_NAME}`,
    },
  );
}

/** The schedule of a sharded deployment starts the state machine and does nothing else. */
export function startStateMachinePolicy(stateMachineArn: string): PolicyDocument {
  return policy({ Sid: 'StartTheShardedRun', Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachineArn });
}

/** Refuses every request to the bucket that does not come over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return policy({
    Sid: 'DenyRequestsWithoutTls',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._\/-]+?)(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/;

/** The ECR repository ARN of an image reference, or undefined when the image is not in ECR. */
export function ecrRepositoryArnOfImage(imageUri: string, partition: string): string | undefined {
  const match = ECR_IMAGE.exec(imageUri);
  if (match === null) return undefined;
  const [, account, region, , repository] = match;
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/**
 * The notification topic's own key: the account administers it (through IAM, as with any key);
 * principals of this account may use it through SNS only (publishing the run summary needs no
 * grant of its own, as with the AWS managed key); EventBridge may use it to publish the alerts.
 */
export function notificationKeyPolicy(input: { accountId: string; partition: string; region: string }): PolicyDocument {
  const dnsSuffix = input.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return policy(
    { Sid: 'AccountAdministersTheKey', Effect: 'Allow', Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'AccountPublishesThroughSns',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': input.accountId, 'kms:ViaService': `sns.${input.region}.${dnsSuffix}` } },
    },
    { Sid: 'EventBridgePublishesAlerts', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
  );
}

/** Every account of the organization, and no one outside it, may put events on the central bus. */
export function centralEventBusPolicy(busArn: string, organizationId: string): PolicyDocument {
  return policy({
    Sid: 'AccountsOfTheOrganization',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: 'events:PutEvents',
    Resource: busArn,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
  });
}

/** A rule's role that may put events on one bus and nothing else. */
export function putEventsPolicy(busArn: string): PolicyDocument {
  return policy({ Sid: 'CentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn });
}

/**
 * The notification topic's policy: EventBridge may publish for the central bus's alert rules only.
 * Principals of this account keep publishing through their own IAM policies (the task role's).
 */
export function alertTopicPolicy(topicArn: string, ruleArns: string[]): PolicyDocument {
  return policy({
    Sid: 'CredentialAlertRules',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
  });
}

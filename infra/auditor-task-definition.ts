import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';
import { auditorTaskRolePolicy, serviceTrustPolicy, taskExecutionRolePolicy } from './policies';
import { TASK_STOP_TIMEOUT_SECONDS } from '../auditor/values/run-limits';
import { ENV_CONCURRENCY, ENV_EXEMPTIONS, ENV_ROLE_NAME, ENV_S3_URI, ENV_SECURITY_HUB, ENV_SNS_TOPIC_ARN } from '../auditor/values/environment';

export interface AuditorTaskDefinitionArgs {
  auditRoleName: string;
  reportsBucketArn: pulumi.Input<string>;
  /** `s3://<bucket>/reports/`, handed to the auditor as AUDIT_S3_URI. */
  reportsS3Uri: pulumi.Input<string>;
  imageUri: pulumi.Input<string>;
  /** The ECR repository the image is pulled from; undefined for an image outside ECR (no ECR permissions then). */
  imageRepositoryArn: pulumi.Input<string | undefined>;
  logRetentionDays: number;
  cpu: number;
  memory: number;
  auditorConcurrency: number;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** The topic the auditor publishes each run's summary to (AUDIT_SNS_TOPIC_ARN). */
  notificationTopicArn: pulumi.Input<string>;
  /** The key of the exemptions file in the reports bucket: the task reads s3://<bucket>/<key> (AUDIT_EXEMPTIONS). */
  exemptionsS3Key?: string;
  /** Import every run's findings into Security Hub in this account and region (AUDIT_SECURITY_HUB), with the task role's grant. */
  securityHub?: boolean;
  /** More environment for the auditor container. */
  additionalEnvironment?: Record<string, pulumi.Input<string>>;
}

export const AUDITOR_CONTAINER_NAME = 'auditor';
export const AUDITOR_TASK_FAMILY = 'iam-audit';
/** The root file system is read-only; the auditor writes its local copy of the reports here. */
export const AUDITOR_OUTPUT_DIR = '/tmp/output';

/**
 * The auditor's Fargate task definition with what it runs as: the task role (the auditor's own
 * permissions), the execution role (image pull and logs) and the log group.
 */
export class AuditorTaskDefinition extends pulumi.ComponentResource {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly taskDefinition: aws.ecs.TaskDefinition;

  constructor(name: string, args: AuditorTaskDefinitionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('auditor', 'AuditorTaskDefinition'), name, {}, opts);
    const parent = { parent: this };

    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
      namePrefix: '/iam-audit-kit/auditor-',
      retentionInDays: args.logRetentionDays,
    }, parent);

    const ecsTasksTrust = pulumi.output(args.accountId).apply((accountId) =>
      JSON.stringify(serviceTrustPolicy('ecs-tasks.amazonaws.com', accountId)));

    this.taskRole = new aws.iam.Role(`${name}-task-role`, {
      description: 'IAM Audit Kit auditor: lists the organization, assumes the audit role, writes reports',
      assumeRolePolicy: ecsTasksTrust,
    }, parent);
    new aws.iam.RolePolicy(`${name}-task-policy`, {
      role: this.taskRole.name,
      policy: pulumi.all([args.partition, args.reportsBucketArn, args.notificationTopicArn, args.accountId, args.region])
        .apply(([partition, bucketArn, notificationTopicArn, accountId, region]) => JSON.stringify(auditorTaskRolePolicy({
          partition, auditRoleName: args.auditRoleName, bucketArn, notificationTopicArn, exemptionsS3Key: args.exemptionsS3Key,
          ...(args.securityHub === true ? { securityHub: { accountId, region } } : {}),
        }))),
    }, parent);

    this.executionRole = new aws.iam.Role(`${name}-execution-role`, {
      description: 'IAM Audit Kit auditor task: image pull and logs',
      assumeRolePolicy: ecsTasksTrust,
    }, parent);
    new aws.iam.RolePolicy(`${name}-execution-policy`, {
      role: this.executionRole.name,
      policy: pulumi.all([args.imageRepositoryArn, this.logGroup.arn]).apply(([repositoryArn, logGroupArn]) =>
        JSON.stringify(taskExecutionRolePolicy({ repositoryArn, logGroupArn }))),
    }, parent);

    const environment = {
      [ENV_ROLE_NAME]: pulumi.output(args.auditRoleName),
      [ENV_S3_URI]: pulumi.output(args.reportsS3Uri),
      [ENV_CONCURRENCY]: pulumi.output(String(args.auditorConcurrency)),
      [ENV_SNS_TOPIC_ARN]: pulumi.output(args.notificationTopicArn),
      // Node sizes its heap from the host, not the task: capped at three quarters of the task's
      // memory, it collects garbage before the container is killed for using too much.
      NODE_OPTIONS: pulumi.output(`--max-old-space-size=${Math.floor(args.memory * 0.75)}`),
      ...(args.exemptionsS3Key === undefined ? {} : {
        // The bucket's name is the last part of its ARN (arn:<partition>:s3:::<bucket>).
        [ENV_EXEMPTIONS]: pulumi.output(args.reportsBucketArn).apply((arn) => `s3://${arn.slice(arn.lastIndexOf(':') + 1)}/${args.exemptionsS3Key}`),
      }),
      // Every task gets it, shards too: a shard ignores it, and only the merge imports.
      ...(args.securityHub === true ? { [ENV_SECURITY_HUB]: pulumi.output('true') } : {}),
      ...args.additionalEnvironment,
    };
    this.taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, {
      family: AUDITOR_TASK_FAMILY,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(args.cpu),
      memory: String(args.memory),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      volumes: [{ name: 'scratch' }],
      containerDefinitions: pulumi.jsonStringify([{
        name: AUDITOR_CONTAINER_NAME,
        image: args.imageUri,
        essential: true,
        readonlyRootFilesystem: true,
        // The auditor's uploads after a stop end before this (run/stop-deadline.ts): one number for both.
        stopTimeout: TASK_STOP_TIMEOUT_SECONDS,
        user: '1000:1000',
        command: ['--out-dir', AUDITOR_OUTPUT_DIR],
        environment: Object.entries(environment)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([envName, value]) => ({ name: envName, value })),
        mountPoints: [{ sourceVolume: 'scratch', containerPath: '/tmp', readOnly: false }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': this.logGroup.name,
            'awslogs-region': args.region,
            'awslogs-stream-prefix': AUDITOR_CONTAINER_NAME,
          },
        },
      }]),
    }, parent);

    this.registerOutputs({ taskDefinitionArn: this.taskDefinition.arn, taskRoleArn: this.taskRole.arn });
  }
}

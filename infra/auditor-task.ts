import * as aws from '@pulumi/aws';
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { ENV_CONCURRENCY, ENV_ROLE_NAME, ENV_S3_URI } from '../auditor/cli/audit-config';
import { imageSourceTag } from './image-source-tag';
import {
  auditorTaskRolePolicy,
  ecrRepositoryArnOfImage,
  PolicyStatement,
  schedulerRolePolicy,
  serviceTrustPolicy,
  shardedRunStateMachinePolicy,
  startStateMachinePolicy,
  taskExecutionRolePolicy,
} from './policies';
import { shardedRunDefinition } from './sharded-run';

export interface AuditorTaskArgs {
  auditRoleName: string;
  reportsBucketArn: pulumi.Input<string>;
  /** `s3://<bucket>/reports/`, handed to the auditor as AUDIT_S3_URI. */
  reportsS3Uri: pulumi.Input<string>;
  /** A ready image; when absent the image is built from auditor/Dockerfile and pushed to a new ECR repository. */
  imageUri: string | undefined;
  scheduleExpression: string;
  scheduleTimezone: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  assignPublicIp: boolean;
  logRetentionDays: number;
  cpu: number;
  memory: number;
  auditorConcurrency: number;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** More permissions for the auditor, e.g. publishing to a notification topic. */
  additionalTaskRoleStatements?: pulumi.Input<PolicyStatement[]>;
  /** More environment for the auditor container, e.g. a notification topic ARN. */
  additionalEnvironment?: Record<string, pulumi.Input<string>>;
  /** Tasks per scheduled run; above 1 the schedule starts a state machine of shards and a merge. Default 1. */
  shards?: number;
}

export const AUDITOR_CONTAINER_NAME = 'auditor';
export const AUDITOR_TASK_FAMILY = 'iam-audit';
/** The root file system is read-only; the auditor writes its local copy of the reports here. */
export const AUDITOR_OUTPUT_DIR = '/tmp/output';
/** The shards' parts go under `<reports>/shards/`, out of the way of the reports and the previous-run lookup. */
export const SHARDS_S3_FOLDER = 'shards';
const REPOSITORY_ROOT = path.join(__dirname, '..');

/** The auditor image, its roles, the Fargate task and the schedule that runs it. */
export class AuditorTask extends pulumi.ComponentResource {
  readonly imageUri: pulumi.Output<string>;
  readonly repository: aws.ecr.Repository | undefined;
  readonly cluster: aws.ecs.Cluster;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly schedulerRole: aws.iam.Role;
  readonly schedule: aws.scheduler.Schedule;
  /** With more than one shard: the state machine the schedule starts, and its role. */
  readonly stateMachine: aws.sfn.StateMachine | undefined;
  readonly stateMachineRole: aws.iam.Role | undefined;
  /** A ready `aws ecs run-task ...` command that runs an audit now. */
  readonly runTaskCommand: pulumi.Output<string>;

  constructor(name: string, args: AuditorTaskArgs, opts?: pulumi.ComponentResourceOptions) {
    super('iam-audit-kit:deployment:AuditorTask', name, {}, opts);
    const parent = { parent: this };

    let repositoryArn: pulumi.Input<string | undefined>;
    if (args.imageUri === undefined) {
      this.repository = new aws.ecr.Repository(`${name}-image`, {
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE',
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
        // The images are rebuilt from source at will; `pulumi destroy` should not stop at them.
        forceDelete: true,
      }, parent);
      const registryLogin = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, parent);
      const image = new dockerBuild.Image(`${name}-image`, {
        context: { location: REPOSITORY_ROOT },
        dockerfile: { location: path.join(REPOSITORY_ROOT, 'auditor', 'Dockerfile') },
        platforms: ['linux/amd64'],
        push: true,
        tags: [pulumi.interpolate`${this.repository.repositoryUrl}:${imageSourceTag(REPOSITORY_ROOT)}`],
        registries: [{
          address: this.repository.repositoryUrl,
          username: registryLogin.userName,
          password: pulumi.secret(registryLogin.password),
        }],
      }, parent);
      // Pinned by digest, so a task always runs exactly the image this deployment built.
      this.imageUri = pulumi.interpolate`${this.repository.repositoryUrl}@${image.digest}`;
      repositoryArn = this.repository.arn;
    } else {
      this.imageUri = pulumi.output(args.imageUri);
      repositoryArn = pulumi.output(args.partition).apply((partition) =>
        ecrRepositoryArnOfImage(args.imageUri ?? '', partition));
    }

    this.cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, parent);
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
      policy: pulumi.all([args.partition, args.reportsBucketArn, args.additionalTaskRoleStatements ?? []])
        .apply(([partition, bucketArn, additionalStatements]) => JSON.stringify(auditorTaskRolePolicy({
          partition, auditRoleName: args.auditRoleName, bucketArn, additionalStatements,
        }))),
    }, parent);

    this.executionRole = new aws.iam.Role(`${name}-execution-role`, {
      description: 'IAM Audit Kit auditor task: image pull and logs',
      assumeRolePolicy: ecsTasksTrust,
    }, parent);
    new aws.iam.RolePolicy(`${name}-execution-policy`, {
      role: this.executionRole.name,
      policy: pulumi.all([repositoryArn, this.logGroup.arn]).apply(([repository, logGroupArn]) =>
        JSON.stringify(taskExecutionRolePolicy({ repositoryArn: repository, logGroupArn }))),
    }, parent);

    const environment = {
      [ENV_ROLE_NAME]: pulumi.output(args.auditRoleName),
      [ENV_S3_URI]: pulumi.output(args.reportsS3Uri),
      [ENV_CONCURRENCY]: pulumi.output(String(args.auditorConcurrency)),
      // Node sizes its heap from the host, not the task: capped at three quarters of the task's
      // memory, it collects garbage before the container is killed for using too much.
      NODE_OPTIONS: pulumi.output(`--max-old-space-size=${Math.floor(args.memory * 0.75)}`),
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
        image: this.imageUri,
        essential: true,
        readonlyRootFilesystem: true,
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

    this.securityGroup = new aws.ec2.SecurityGroup(`${name}-egress-only`, {
      description: 'IAM Audit Kit auditor: HTTPS out to AWS APIs and ECR, nothing in',
      vpcId: args.vpcId,
      ingress: [],
      egress: [
        { description: 'HTTPS to AWS APIs', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] },
      ],
    }, parent);

    this.schedulerRole = new aws.iam.Role(`${name}-scheduler-role`, {
      description: 'IAM Audit Kit: the schedule starts the auditor task',
      assumeRolePolicy: pulumi.output(args.accountId).apply((accountId) =>
        JSON.stringify(serviceTrustPolicy('scheduler.amazonaws.com', accountId))),
    }, parent);
    const shards = args.shards ?? 1;
    const network = {
      subnets: args.subnetIds,
      securityGroups: [this.securityGroup.id],
      assignPublicIp: args.assignPublicIp,
    };
    // One schedule either way: above 1 shard it starts the state machine, else the task itself.
    let schedulerPolicy: pulumi.Output<string>;
    let target: aws.types.input.scheduler.ScheduleTarget;
    if (shards > 1) {
      const sharded = this.shardedRun(name, args, shards, network);
      this.stateMachine = sharded.stateMachine;
      this.stateMachineRole = sharded.role;
      schedulerPolicy = sharded.stateMachine.arn.apply((stateMachineArn) => JSON.stringify(startStateMachinePolicy(stateMachineArn)));
      target = { arn: sharded.stateMachine.arn, roleArn: this.schedulerRole.arn, input: '{}' };
    } else {
      this.stateMachine = undefined;
      this.stateMachineRole = undefined;
      schedulerPolicy = pulumi.all([this.taskDefinition.arn, this.cluster.arn, this.taskRole.arn, this.executionRole.arn])
        .apply(([taskDefinitionArn, clusterArn, taskRoleArn, executionRoleArn]) => JSON.stringify(schedulerRolePolicy({
          taskDefinitionArn, clusterArn, passRoleArns: [taskRoleArn, executionRoleArn],
        })));
      target = {
        arn: this.cluster.arn,
        roleArn: this.schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: this.taskDefinition.arn,
          launchType: 'FARGATE',
          taskCount: 1,
          networkConfiguration: network,
        },
      };
    }
    new aws.iam.RolePolicy(`${name}-scheduler-policy`, { role: this.schedulerRole.name, policy: schedulerPolicy }, parent);
    this.schedule = new aws.scheduler.Schedule(`${name}-schedule`, {
      description: shards > 1
        ? `IAM Audit Kit: run the organization-wide IAM audit in ${shards} shards, then merge`
        : 'IAM Audit Kit: run the organization-wide IAM audit',
      scheduleExpression: args.scheduleExpression,
      scheduleExpressionTimezone: args.scheduleTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: { ...target, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
    }, parent);

    this.runTaskCommand = pulumi.all([
      args.region, this.cluster.name, this.taskDefinition.family, this.taskDefinition.revision,
      args.subnetIds, this.securityGroup.id,
    ]).apply(([region, clusterName, family, revision, subnets, securityGroupId]) => [
      'aws ecs run-task',
      `--region ${region}`,
      `--cluster ${clusterName}`,
      `--task-definition ${family}:${revision}`,
      '--launch-type FARGATE',
      `--network-configuration 'awsvpcConfiguration={subnets=[${subnets.join(',')}],securityGroups=[${securityGroupId}],assignPublicIp=${args.assignPublicIp ? 'ENABLED' : 'DISABLED'}}'`,
    ].join(' '));

    this.registerOutputs({
      clusterName: this.cluster.name,
      taskDefinitionArn: this.taskDefinition.arn,
      scheduleName: this.schedule.name,
      runTaskCommand: this.runTaskCommand,
      ...(this.stateMachine === undefined ? {} : { stateMachineArn: this.stateMachine.arn }),
    });
  }

  /** The state machine of a sharded run (see sharded-run.ts) and the role it runs the tasks with. */
  private shardedRun(
    name: string,
    args: AuditorTaskArgs,
    shards: number,
    network: { subnets: pulumi.Input<pulumi.Input<string>[]>; securityGroups: pulumi.Input<string>[]; assignPublicIp: boolean },
  ): { stateMachine: aws.sfn.StateMachine; role: aws.iam.Role } {
    const parent = { parent: this };
    const role = new aws.iam.Role(`${name}-state-machine-role`, {
      description: 'IAM Audit Kit: the sharded run starts the auditor tasks and the merge',
      assumeRolePolicy: pulumi.output(args.accountId).apply((accountId) =>
        JSON.stringify(serviceTrustPolicy('states.amazonaws.com', accountId))),
    }, parent);
    const rolePolicy = new aws.iam.RolePolicy(`${name}-state-machine-policy`, {
      role: role.name,
      policy: pulumi.all([args.partition, args.region, args.accountId, this.taskDefinition.arn, this.cluster.arn, this.cluster.name, this.taskRole.arn, this.executionRole.arn])
        .apply(([partition, region, accountId, taskDefinitionArn, clusterArn, clusterName, taskRoleArn, executionRoleArn]) => JSON.stringify(shardedRunStateMachinePolicy({
          partition, region, accountId, taskDefinitionArn, clusterArn, clusterName, passRoleArns: [taskRoleArn, executionRoleArn],
        }))),
    }, parent);
    const definition = pulumi.all([
      args.partition, this.cluster.arn, this.taskDefinition.arn, network.subnets, pulumi.all(network.securityGroups), args.reportsS3Uri,
    ]).apply(([partition, clusterArn, taskDefinitionArn, subnetIds, securityGroupIds, reportsS3Uri]) => JSON.stringify(shardedRunDefinition({
      shards,
      partition,
      clusterArn,
      taskDefinitionArn,
      containerName: AUDITOR_CONTAINER_NAME,
      subnetIds,
      securityGroupIds,
      assignPublicIp: network.assignPublicIp,
      outputDir: AUDITOR_OUTPUT_DIR,
      shardsS3Uri: `${reportsS3Uri.replace(/\/?$/, '/')}${SHARDS_S3_FOLDER}/`,
    }), null, 2));
    // The policy first, so that no execution starts with a role that cannot yet run the tasks.
    const stateMachine = new aws.sfn.StateMachine(`${name}-sharded-run`, {
      type: 'STANDARD',
      roleArn: role.arn,
      definition,
    }, { parent: this, dependsOn: [rolePolicy] });
    return { stateMachine, role };
  }
}

import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AuditorImage } from './auditor-image';
import { AuditorTaskDefinition, AuditorTaskDefinitionArgs } from './auditor-task-definition';
import { AuditorTaskLaunch } from './auditor-task-launch';
import { componentType } from './component-type';
import { ScheduledRun } from './scheduled-run';

/** The task definition's settings, a ready image or none (then it is built), where and when the task runs. */
export interface AuditorTaskArgs extends Omit<AuditorTaskDefinitionArgs, 'imageUri' | 'imageRepositoryArn'> {
  /** A ready image; when absent the image is built from auditor/Dockerfile and pushed to a new ECR repository. */
  imageUri: string | undefined;
  scheduleExpression: string;
  scheduleTimezone: string;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  assignPublicIp: boolean;
  /** Tasks per scheduled run; above 1 the schedule starts a state machine of shards and a merge. Default 1. */
  shards?: number;
}

/**
 * The auditor in Fargate: its image, its task definition and roles, the cluster and network it runs
 * in, and the schedule that runs it, each part a component of its own nested here.
 */
export class AuditorTask extends pulumi.ComponentResource {
  readonly image: AuditorImage;
  readonly task: AuditorTaskDefinition;
  readonly cluster: aws.ecs.Cluster;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly scheduledRun: ScheduledRun;
  /** A ready `aws ecs run-task ...` command that runs an audit now. */
  readonly runTaskCommand: pulumi.Output<string>;

  constructor(name: string, args: AuditorTaskArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('auditor', 'AuditorTask'), name, {}, opts);
    const parent = { parent: this };

    this.image = new AuditorImage(name, { imageUri: args.imageUri, partition: args.partition }, parent);

    this.task = new AuditorTaskDefinition(name, {
      ...args,
      imageUri: this.image.imageUri,
      imageRepositoryArn: this.image.repositoryArn,
    }, parent);

    this.cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, parent);
    this.securityGroup = new aws.ec2.SecurityGroup(`${name}-egress-only`, {
      description: 'IAM Audit Kit auditor: HTTPS out to AWS APIs and ECR, nothing in',
      vpcId: args.vpcId,
      ingress: [],
      egress: [
        { description: 'HTTPS to AWS APIs', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] },
      ],
    }, parent);

    const launch: AuditorTaskLaunch = {
      clusterArn: this.cluster.arn,
      clusterName: this.cluster.name,
      taskDefinitionArn: this.task.taskDefinition.arn,
      passRoleArns: [this.task.taskRole.arn, this.task.executionRole.arn],
      subnetIds: args.subnetIds,
      securityGroupIds: [this.securityGroup.id],
      assignPublicIp: args.assignPublicIp,
    };
    this.scheduledRun = new ScheduledRun(name, { ...args, shards: args.shards ?? 1, task: launch }, parent);

    this.runTaskCommand = pulumi.all([
      args.region, this.cluster.name, this.task.taskDefinition.family, this.task.taskDefinition.revision,
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
      taskDefinitionArn: this.task.taskDefinition.arn,
      scheduleName: this.scheduledRun.schedule.name,
      runTaskCommand: this.runTaskCommand,
    });
  }
}

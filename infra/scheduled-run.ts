import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { componentType } from './component-type';
import { schedulerRolePolicy, serviceTrustPolicy, startStateMachinePolicy } from './policies';
import { ShardedRunStateMachine, ShardedRunStateMachineArgs } from './sharded-run-state-machine';

/** What a sharded run needs (used only above 1 shard), and when to run. */
export interface ScheduledRunArgs extends ShardedRunStateMachineArgs {
  scheduleExpression: string;
  scheduleTimezone: string;
}

/**
 * The EventBridge Scheduler schedule that runs the audit: it starts the auditor task itself, or,
 * with more than one shard, the state machine that runs the shards and the merge.
 */
export class ScheduledRun extends pulumi.ComponentResource {
  readonly schedulerRole: aws.iam.Role;
  readonly schedule: aws.scheduler.Schedule;
  /** With more than one shard: what the schedule starts. */
  readonly shardedRun: ShardedRunStateMachine | undefined;

  constructor(name: string, args: ScheduledRunArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('auditor', 'ScheduledRun'), name, {}, opts);
    const parent = { parent: this };
    const { task } = args;

    this.schedulerRole = new aws.iam.Role(`${name}-scheduler-role`, {
      description: 'IAM Audit Kit: the schedule starts the auditor task',
      assumeRolePolicy: pulumi.output(args.accountId).apply((accountId) =>
        JSON.stringify(serviceTrustPolicy('scheduler.amazonaws.com', accountId))),
    }, parent);

    // One schedule either way: above 1 shard it starts the state machine, else the task itself.
    let schedulerPolicy: pulumi.Output<string>;
    let target: aws.types.input.scheduler.ScheduleTarget;
    if (args.shards > 1) {
      const shardedRun = new ShardedRunStateMachine(name, args, parent);
      const stateMachineArn = shardedRun.stateMachine.arn;
      this.shardedRun = shardedRun;
      schedulerPolicy = stateMachineArn.apply((arn) => JSON.stringify(startStateMachinePolicy(arn)));
      target = { arn: stateMachineArn, roleArn: this.schedulerRole.arn, input: '{}' };
    } else {
      this.shardedRun = undefined;
      schedulerPolicy = pulumi.all([task.taskDefinitionArn, task.clusterArn, pulumi.all(task.passRoleArns)])
        .apply(([taskDefinitionArn, clusterArn, passRoleArns]) => JSON.stringify(schedulerRolePolicy({
          taskDefinitionArn, clusterArn, passRoleArns,
        })));
      target = {
        arn: task.clusterArn,
        roleArn: this.schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: task.taskDefinitionArn,
          launchType: 'FARGATE',
          taskCount: 1,
          networkConfiguration: {
            subnets: task.subnetIds,
            securityGroups: task.securityGroupIds,
            assignPublicIp: task.assignPublicIp,
          },
        },
      };
    }
    new aws.iam.RolePolicy(`${name}-scheduler-policy`, { role: this.schedulerRole.name, policy: schedulerPolicy }, parent);
    this.schedule = new aws.scheduler.Schedule(`${name}-schedule`, {
      description: args.shards > 1
        ? `IAM Audit Kit: run the organization-wide IAM audit in ${args.shards} shards, then merge`
        : 'IAM Audit Kit: run the organization-wide IAM audit',
      scheduleExpression: args.scheduleExpression,
      scheduleExpressionTimezone: args.scheduleTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: { ...target, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
    }, parent);

    this.registerOutputs({
      scheduleName: this.schedule.name,
      ...(this.shardedRun === undefined ? {} : { stateMachineArn: this.shardedRun.stateMachine.arn }),
    });
  }
}

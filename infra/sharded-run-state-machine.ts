import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AUDITOR_CONTAINER_NAME, AUDITOR_OUTPUT_DIR } from './auditor-task-definition';
import { AuditorTaskLaunch } from './auditor-task-launch';
import { componentType } from './component-type';
import { serviceTrustPolicy, shardedRunStateMachinePolicy } from './policies';
import { shardedRunDefinition } from './sharded-run';

export interface ShardedRunStateMachineArgs {
  /** Tasks per run: 1 runs the task alone, above 1 the shards and the merge. */
  shards: number;
  task: AuditorTaskLaunch;
  /** `s3://<bucket>/reports/`; the parts go under its `shards/` folder. */
  reportsS3Uri: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  region: pulumi.Input<string>;
}

/** The shards' parts go under `<reports>/shards/`, out of the way of the reports and the previous-run lookup. */
export const SHARDS_S3_FOLDER = 'shards';

/** The Step Functions state machine of a sharded run (see sharded-run.ts) and the role it runs the tasks with. */
export class ShardedRunStateMachine extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly stateMachine: aws.sfn.StateMachine;

  constructor(name: string, args: ShardedRunStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentType('auditor', 'ShardedRunStateMachine'), name, {}, opts);
    const { task } = args;

    this.role = new aws.iam.Role(`${name}-state-machine-role`, {
      description: 'IAM Audit Kit: the sharded run starts the auditor tasks and the merge',
      assumeRolePolicy: pulumi.output(args.accountId).apply((accountId) =>
        JSON.stringify(serviceTrustPolicy('states.amazonaws.com', accountId))),
    }, { parent: this });
    const rolePolicy = new aws.iam.RolePolicy(`${name}-state-machine-policy`, {
      role: this.role.name,
      policy: pulumi.all([args.partition, args.region, args.accountId, task.taskDefinitionArn, task.clusterArn, task.clusterName, pulumi.all(task.passRoleArns)])
        .apply(([partition, region, accountId, taskDefinitionArn, clusterArn, clusterName, passRoleArns]) => JSON.stringify(shardedRunStateMachinePolicy({
          partition, region, accountId, taskDefinitionArn, clusterArn, clusterName, passRoleArns,
        }))),
    }, { parent: this });
    const definition = pulumi.all([
      args.partition, task.clusterArn, task.taskDefinitionArn, task.subnetIds, pulumi.all(task.securityGroupIds), args.reportsS3Uri,
    ]).apply(([partition, clusterArn, taskDefinitionArn, subnetIds, securityGroupIds, reportsS3Uri]) => JSON.stringify(shardedRunDefinition({
      shards: args.shards,
      partition,
      clusterArn,
      taskDefinitionArn,
      containerName: AUDITOR_CONTAINER_NAME,
      subnetIds,
      securityGroupIds,
      assignPublicIp: task.assignPublicIp,
      outputDir: AUDITOR_OUTPUT_DIR,
      shardsS3Uri: `${reportsS3Uri.replace(/\/?$/, '/')}${SHARDS_S3_FOLDER}/`,
    }), null, 2));
    // The policy first, so that no execution starts with a role that cannot yet run the tasks.
    this.stateMachine = new aws.sfn.StateMachine(`${name}-sharded-run`, {
      type: 'STANDARD',
      roleArn: this.role.arn,
      definition,
    }, { parent: this, dependsOn: [rolePolicy] });

    this.registerOutputs({ stateMachineArn: this.stateMachine.arn });
  }
}

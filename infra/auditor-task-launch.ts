import * as pulumi from '@pulumi/pulumi';

/** Everything needed to start the auditor task: where, which revision, with which roles and network. */
export interface AuditorTaskLaunch {
  clusterArn: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  taskDefinitionArn: pulumi.Input<string>;
  /** The task and execution roles, which whoever starts the task must be allowed to pass to ECS. */
  passRoleArns: pulumi.Input<string>[];
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupIds: pulumi.Input<string>[];
  assignPublicIp: boolean;
}

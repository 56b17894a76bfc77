// The Pulumi program (Pulumi.yaml: `main: infra/`). Everything is built in deployment.ts from the
// validated configuration, so the tests can run the same program for any configuration.
import { loadDeploymentConfig } from './config';
import { deployAuditKit } from './deployment';

const deployment = deployAuditKit(loadDeploymentConfig());

export const auditRoleName = deployment.auditRoleName;
export const stackSetName = deployment.stackSetName;
export const reportsBucketName = deployment.reportsBucketName;
export const reportsS3Uri = deployment.reportsS3Uri;
export const clusterName = deployment.clusterName;
export const taskDefinitionArn = deployment.taskDefinitionArn;
export const scheduleName = deployment.scheduleName;
export const auditorTaskRoleArn = deployment.auditorTaskRoleArn;
export const auditorImageUri = deployment.auditorImageUri;
export const runTaskCommand = deployment.runTaskCommand;
export const shardedRunStateMachineArn = deployment.shardedRunStateMachineArn;
export const startShardedRunCommand = deployment.startShardedRunCommand;
export const notificationTopicArn = deployment.notificationTopicArn;
export const credentialAlertBusArn = deployment.credentialAlertBusArn;

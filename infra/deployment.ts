import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AuditRoleRollout } from './audit-role-rollout';
import { AuditorTask } from './auditor-task';
import { DeploymentConfig } from './config';
import { iamEventsRegion } from './credential-alert-rule';
import { CredentialAlerts } from './credential-alerts';
import { accessKeyCarveOuts, enabledGuardrails } from './guardrails';
import { OrganizationGuardrails } from './organization-guardrails';
import { NotificationTopic } from './notification-topic';
import { ReportsBucket } from './reports-bucket';

/** What `pulumi up` reports back (the stack outputs). */
export interface AuditKitDeployment {
  auditRoleName: pulumi.Output<string>;
  stackSetName: pulumi.Output<string>;
  reportsBucketName: pulumi.Output<string>;
  reportsS3Uri: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  taskDefinitionArn: pulumi.Output<string>;
  scheduleName: pulumi.Output<string>;
  auditorTaskRoleArn: pulumi.Output<string>;
  auditorImageUri: pulumi.Output<string>;
  runTaskCommand: pulumi.Output<string>;
  /**
   * With `shards` above 1: the state machine the schedule starts (the shards, then the merge), and
   * the command that starts it now. Undefined for a single-task deployment.
   */
  shardedRunStateMachineArn: pulumi.Output<string | undefined>;
  startShardedRunCommand: pulumi.Output<string | undefined>;
  /** The auditor publishes each run's summary here (AUDIT_SNS_TOPIC_ARN), and the credential alerts arrive here. */
  notificationTopicArn: pulumi.Output<string>;
  /**
   * With `credentialAlerts`: the central event bus every account's alert rule forwards to (the
   * `CentralEventBusArn` of the member template, for an account the StackSet does not reach).
   */
  credentialAlertBusArn: pulumi.Output<string | undefined>;
}

interface AuditorNetwork {
  vpcId: pulumi.Output<string>;
  subnetIds: pulumi.Output<string[]>;
}

/** The configured subnets, or the default VPC's default subnets. */
function auditorNetwork(subnetIds: string[]): AuditorNetwork {
  if (subnetIds.length > 0) {
    return { vpcId: aws.ec2.getSubnetOutput({ id: subnetIds[0] }).vpcId, subnetIds: pulumi.output(subnetIds) };
  }
  const vpc = aws.ec2.getVpcOutput({ default: true });
  const defaultSubnets = aws.ec2.getSubnetsOutput({
    filters: [
      { name: 'vpc-id', values: [vpc.id] },
      { name: 'default-for-az', values: ['true'] },
    ],
  });
  return { vpcId: vpc.id, subnetIds: defaultSubnets.ids };
}

/** The whole IAM Audit Kit deployment for one validated configuration. */
export function deployAuditKit(config: DeploymentConfig, now: number = Date.now()): AuditKitDeployment {
  // The carve-outs first: a refused exemptions file stops the run before anything is registered.
  const carveOuts = config.exemptionsFile === undefined ? [] : accessKeyCarveOuts(config.exemptionsFile.list, now);
  const guardrailsOn = enabledGuardrails(config).length > 0 || config.centralizeRootAccess;
  if (config.enforceNoAccessKeys && config.exemptionsFile === undefined && config.exemptionsS3Key !== undefined) {
    void pulumi.log.warn(`the access-key SCP has no carve-outs: they are read from exemptionsFile, which is not set; the exemptions at ${config.exemptionsS3Key} in the bucket mute findings only`);
  }
  const partition = aws.getPartitionOutput().partition;
  const accountId = aws.getCallerIdentityOutput().accountId;
  const region = aws.getRegionOutput().region;
  const organization = aws.organizations.getOrganizationOutput();
  const organizationRootId = organization.roots.apply((roots) => {
    if (roots.length === 0) throw new Error('the organization has no root to deploy under');
    return roots[0].id;
  });
  // First: a document over the SCP limit stops the run before any other resource is registered.
  if (guardrailsOn) {
    const enforcementTargets = config.enforcementTargetIds.length > 0 ? config.enforcementTargetIds : undefined;
    new OrganizationGuardrails('guardrails', {
      enforceNoAccessKeys: config.enforceNoAccessKeys,
      enforceConsoleMfa: config.enforceConsoleMfa,
      enforceNoRootUser: config.enforceNoRootUser,
      carveOuts,
      exemptionsSource: config.exemptionsFile?.source ?? 'the exemptions file',
      targetIds: enforcementTargets ?? [organizationRootId],
      targetNames: enforcementTargets ?? ['organization-root'],
      centralizeRootAccess: config.centralizeRootAccess,
      partition,
    });
  }
  const network = auditorNetwork(config.subnetIds);

  const reports = new ReportsBucket('reports', {
    reportRetentionDays: config.reportRetentionDays,
    noncurrentReportRetentionDays: config.noncurrentReportRetentionDays,
    ...(config.exemptionsFile === undefined || config.exemptionsS3Key === undefined ? {}
      : { exemptions: { key: config.exemptionsS3Key, text: config.exemptionsFile.text } }),
  });

  const notifications = new NotificationTopic('notifications', {
    notificationEmail: config.notificationEmail,
    ...(config.credentialAlerts ? { eventBridgePublishes: { accountId, partition, region } } : {}),
  });
  const alertRegion = config.credentialAlerts ? iamEventsRegion(config.stackSetRegion) : undefined;
  const alerts = alertRegion === undefined ? undefined : new CredentialAlerts('credential-alerts', {
    organizationId: organization.id,
    topicArn: notifications.topicArn,
    accountId,
    alertRegion,
    // As with the audit role: a delegated administrator is a member and gets the StackSet's rule.
    forwardDeployingAccount: config.callAs === 'SELF',
  });

  const auditor = new AuditorTask('auditor', {
    auditRoleName: config.auditRoleName,
    reportsBucketArn: reports.bucketArn,
    reportsS3Uri: reports.reportsS3Uri,
    imageUri: config.imageUri,
    scheduleExpression: config.scheduleExpression,
    scheduleTimezone: config.scheduleTimezone,
    vpcId: network.vpcId,
    subnetIds: network.subnetIds,
    assignPublicIp: config.assignPublicIp,
    logRetentionDays: config.logRetentionDays,
    cpu: config.taskCpu,
    memory: config.taskMemory,
    auditorConcurrency: config.auditorConcurrency,
    accountId,
    partition,
    region,
    notificationTopicArn: notifications.topicArn,
    shards: config.shards,
    exemptionsS3Key: config.exemptionsS3Key,
    securityHub: config.securityHub,
  });

  const targetIds: pulumi.Input<string>[] = config.targetOrganizationalUnitIds.length > 0
    ? config.targetOrganizationalUnitIds
    : [organizationRootId];

  const rollout = new AuditRoleRollout('audit-role', {
    auditRoleName: config.auditRoleName,
    trustedPrincipalArns: auditor.task.taskRole.arn.apply((taskRoleArn) => [taskRoleArn, ...config.extraTrustedPrincipalArns]),
    organizationId: organization.id,
    targetIds,
    stackSetRegion: config.stackSetRegion,
    callAs: config.callAs,
    createRoleInDeployingAccount: config.callAs === 'SELF',
    ...(alerts === undefined || alertRegion === undefined ? {} : { credentialAlerts: { centralEventBusArn: alerts.busArn, alertRegion } }),
  });

  const { shardedRun } = auditor.scheduledRun;
  return {
    auditRoleName: pulumi.output(rollout.roleName),
    stackSetName: rollout.stackSetName,
    reportsBucketName: reports.bucketName,
    reportsS3Uri: reports.reportsS3Uri,
    clusterName: auditor.cluster.name,
    taskDefinitionArn: auditor.task.taskDefinition.arn,
    scheduleName: auditor.scheduledRun.schedule.name,
    auditorTaskRoleArn: auditor.task.taskRole.arn,
    auditorImageUri: auditor.image.imageUri,
    runTaskCommand: auditor.runTaskCommand,
    shardedRunStateMachineArn: shardedRun === undefined ? pulumi.output(undefined) : shardedRun.stateMachine.arn,
    startShardedRunCommand: shardedRun === undefined
      ? pulumi.output(undefined)
      : pulumi.interpolate`aws stepfunctions start-execution --region ${region} --state-machine-arn ${shardedRun.stateMachine.arn}`,
    notificationTopicArn: notifications.topicArn,
    credentialAlertBusArn: alerts === undefined ? pulumi.output(undefined) : alerts.busArn,
  };
}

import { strict as assert } from 'assert';
import * as pulumi from '@pulumi/pulumi';
import { AuditorTask, AuditorTaskArgs } from '../../infra/auditor-task';
import { PolicyDocument } from '../../infra/policies';
import { installMocks, jsonInput, onlyResourceOfType, resourceNamed, settle, valueOf } from './mocked-pulumi';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:iam-audit-findings';

function auditorTaskArgs(overrides: Partial<AuditorTaskArgs> = {}): AuditorTaskArgs {
  return {
    auditRoleName: 'IAMAuditRole',
    reportsBucketArn: 'arn:aws:s3:::reports-bucket',
    reportsS3Uri: 's3://reports-bucket/reports/',
    imageUri: 'public.ecr.aws/example/iam-audit:1.0.0',
    scheduleExpression: 'rate(7 days)',
    scheduleTimezone: 'UTC',
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0123abcd'],
    assignPublicIp: true,
    logRetentionDays: 30,
    cpu: 256,
    memory: 512,
    auditorConcurrency: 2,
    accountId: '111111111111',
    partition: 'aws',
    region: 'eu-west-1',
    notificationTopicArn: TOPIC_ARN,
    ...overrides,
  };
}

/** A resource's own type and its parent's, as its URN spells them (`<parent type>$<type>`). */
async function parentAndType(resource: pulumi.Resource): Promise<string[]> {
  const urn = await valueOf(resource.urn);
  return urn.split('::')[2].split('$').slice(-2);
}

describe('AuditorTask component', () => {
  it('lets the auditor publish to the notification topic, tells it the ARN, and takes extra environment', async () => {
    const run = await installMocks();
    const task = new AuditorTask('auditor', auditorTaskArgs({ additionalEnvironment: { AUDIT_EXTRA_SETTING: 'on' } }));
    const clusterUrn = await valueOf(task.cluster.urn);
    await settle(run);

    assert.match(clusterUrn, /::iam-audit-kit:auditor:AuditorTask\$aws:ecs\/cluster:Cluster::/, 'children belong to the component');
    const taskPolicy = jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy');
    assert.deepEqual(taskPolicy.Statement.find((statement) => statement.Sid === 'PublishRunSummary')?.Resource, TOPIC_ARN);
    const [container] = jsonInput<Array<{ environment: Array<{ name: string; value: string }> }>>(
      onlyResourceOfType(run, 'aws:ecs/taskDefinition:TaskDefinition'), 'containerDefinitions');
    assert.ok(container.environment.some(({ name, value }) => name === 'AUDIT_SNS_TOPIC_ARN' && value === TOPIC_ARN));
    assert.ok(container.environment.some(({ name }) => name === 'AUDIT_ROLE_NAME'));
    assert.ok(container.environment.some(({ name, value }) => name === 'AUDIT_EXTRA_SETTING' && value === 'on'));

    // An image outside ECR: the execution role gets no ECR permissions at all.
    const executionPolicy = jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-execution-policy'), 'policy');
    assert.ok(executionPolicy.Statement.every((statement) => [statement.Action].flat().every((action) => !action.startsWith('ecr:'))));
  });

  it('nests the image, the task definition with its roles and the scheduled run inside it', async () => {
    const run = await installMocks();
    const task = new AuditorTask('auditor', auditorTaskArgs({ imageUri: undefined }));
    const repository = task.image.repository;
    assert.ok(repository !== undefined);
    const pairs = await Promise.all([
      task.image, repository, task.task, task.task.taskRole, task.task.executionRole, task.task.logGroup,
      task.task.taskDefinition, task.scheduledRun, task.scheduledRun.schedule, task.scheduledRun.schedulerRole,
    ].map(parentAndType));
    await settle(run);
    const [auditorTask, image, taskDefinition, scheduledRun] = ['AuditorTask', 'AuditorImage', 'AuditorTaskDefinition', 'ScheduledRun']
      .map((name) => `iam-audit-kit:auditor:${name}`);
    assert.deepEqual(pairs, [
      [auditorTask, image],
      [image, 'aws:ecr/repository:Repository'],
      [auditorTask, taskDefinition],
      [taskDefinition, 'aws:iam/role:Role'],
      [taskDefinition, 'aws:iam/role:Role'],
      [taskDefinition, 'aws:cloudwatch/logGroup:LogGroup'],
      [taskDefinition, 'aws:ecs/taskDefinition:TaskDefinition'],
      [auditorTask, scheduledRun],
      [scheduledRun, 'aws:scheduler/schedule:Schedule'],
      [scheduledRun, 'aws:iam/role:Role'],
    ]);
    assert.equal(task.scheduledRun.shardedRun, undefined);
  });

  it('nests the sharded state machine in the scheduled run', async () => {
    const run = await installMocks();
    const task = new AuditorTask('auditor', auditorTaskArgs({ shards: 2 }));
    const shardedRun = task.scheduledRun.shardedRun;
    assert.ok(shardedRun !== undefined);
    const pairs = await Promise.all([shardedRun, shardedRun.stateMachine, shardedRun.role].map(parentAndType));
    await settle(run);
    const stateMachine = 'iam-audit-kit:auditor:ShardedRunStateMachine';
    assert.deepEqual(pairs, [
      ['iam-audit-kit:auditor:ScheduledRun', stateMachine],
      [stateMachine, 'aws:sfn/stateMachine:StateMachine'],
      [stateMachine, 'aws:iam/role:Role'],
    ]);
  });
});

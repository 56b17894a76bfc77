import { strict as assert } from 'assert';
import { AuditorTask } from '../../infra/auditor-task';
import { PolicyDocument } from '../../infra/policies';
import { installMocks, jsonInput, onlyResourceOfType, resourceNamed, settle, valueOf } from './mocked-pulumi';

describe('AuditorTask component', () => {
  it('takes extra task permissions and environment, e.g. for a notification topic', async () => {
    const run = await installMocks();
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:iam-audit-findings';
    const task = new AuditorTask('auditor', {
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
      additionalTaskRoleStatements: [{ Sid: 'PublishFindings', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn }],
      additionalEnvironment: { AUDIT_SNS_TOPIC_ARN: topicArn },
    });
    const clusterUrn = await valueOf(task.cluster.urn);
    await settle(run);

    assert.match(clusterUrn, /::iam-audit-kit:deployment:AuditorTask\$aws:ecs\/cluster:Cluster::/, 'children belong to the component');
    const taskPolicy = jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy');
    assert.deepEqual(taskPolicy.Statement.find((statement) => statement.Sid === 'PublishFindings')?.Resource, topicArn);
    const [container] = jsonInput<Array<{ environment: Array<{ name: string; value: string }> }>>(
      onlyResourceOfType(run, 'aws:ecs/taskDefinition:TaskDefinition'), 'containerDefinitions');
    assert.ok(container.environment.some(({ name, value }) => name === 'AUDIT_SNS_TOPIC_ARN' && value === topicArn));
    assert.ok(container.environment.some(({ name }) => name === 'AUDIT_ROLE_NAME'));

    // An image outside ECR: the execution role gets no ECR permissions at all.
    const executionPolicy = jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-execution-policy'), 'policy');
    assert.ok(executionPolicy.Statement.every((statement) => [statement.Action].flat().every((action) => !action.startsWith('ecr:'))));
  });
});

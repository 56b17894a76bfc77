import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { renderAuditRoleTemplate } from '../../infra/audit-role-template';
import { AUDITOR_OUTPUT_DIR } from '../../infra/auditor-task-definition';
import { auditRolePermissionsPolicy, PolicyDocument } from '../../infra/policies';
import {
  input,
  jsonInput,
  MOCK_DEFAULT_SUBNET_IDS,
  MOCK_DEFAULT_VPC_ID,
  MOCK_IMAGE_DIGEST,
  MOCK_ORGANIZATION_ID,
  MOCK_REGION,
  MOCK_ROOT_ID,
  MockedResource,
  onlyResourceOfType,
  resourceNamed,
  resourcesOfType,
  stateOf,
} from './mocked-pulumi';
import { DeploymentRun, runDeployment } from './run-deployment';

interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  readonlyRootFilesystem: boolean;
  stopTimeout: number;
  user: string;
  command: string[];
  environment: Array<{ name: string; value: string }>;
  mountPoints: Array<{ sourceVolume: string; containerPath: string }>;
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

interface ScheduleTarget {
  arn: string;
  roleArn: string;
  ecsParameters: {
    taskDefinitionArn: string;
    launchType: string;
    taskCount: number;
    networkConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean };
  };
  retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
}

const ROLE = 'aws:iam/role:Role';
const ROLE_POLICY = 'aws:iam/rolePolicy:RolePolicy';
const STACK_SET = 'aws:cloudformation/stackSet:StackSet';
const STACK_SET_INSTANCE = 'aws:cloudformation/stackSetInstance:StackSetInstance';
const TASK_DEFINITION = 'aws:ecs/taskDefinition:TaskDefinition';
const SCHEDULE = 'aws:scheduler/schedule:Schedule';

function containerOf(run: DeploymentRun): ContainerDefinition {
  const definitions = jsonInput<ContainerDefinition[]>(onlyResourceOfType(run, TASK_DEFINITION), 'containerDefinitions');
  assert.equal(definitions.length, 1);
  return definitions[0];
}

function environmentOf(run: DeploymentRun): Record<string, string> {
  return Object.fromEntries(containerOf(run).environment.map(({ name, value }) => [name, value]));
}

function policyOf(run: DeploymentRun, policyResourceName: string): PolicyDocument {
  return jsonInput<PolicyDocument>(resourceNamed(run, ROLE_POLICY, policyResourceName), 'policy');
}

function resourcesNamedIn(document: PolicyDocument): string[] {
  return document.Statement.flatMap((statement) => statement.Resource ?? []);
}

function arnOf(resource: MockedResource): string {
  return stateOf(resource, 'arn');
}

describe('deployment program: default configuration', () => {
  let run: DeploymentRun;
  before(async () => {
    run = await runDeployment({});
  });

  it('groups the resources in components, all typed iam-audit-kit:<module>:<Name>', () => {
    const components = run.resources.filter((resource) => resource.type.startsWith('iam-audit-kit:'));
    assert.deepEqual(components.map((resource) => resource.type).sort(), [
      'iam-audit-kit:alerts:CredentialAlerts',
      'iam-audit-kit:auditRole:AuditRoleRollout',
      'iam-audit-kit:auditor:AuditorImage',
      'iam-audit-kit:auditor:AuditorTask',
      'iam-audit-kit:auditor:AuditorTaskDefinition',
      'iam-audit-kit:auditor:ScheduledRun',
      'iam-audit-kit:notifications:NotificationTopic',
      'iam-audit-kit:reports:ReportsBucket',
    ]);
  });

  it('rolls the role out with a service-managed, auto-deploying StackSet from the member template', () => {
    const stackSet = onlyResourceOfType(run, STACK_SET);
    assert.equal(stackSet.inputs.permissionModel, 'SERVICE_MANAGED');
    assert.deepEqual(stackSet.inputs.autoDeployment, { enabled: true, retainStacksOnAccountRemoval: false });
    assert.deepEqual(stackSet.inputs.capabilities, ['CAPABILITY_NAMED_IAM']);
    assert.equal(stackSet.inputs.callAs, 'SELF');
    const preferences = input<Record<string, unknown>>(stackSet, 'operationPreferences');
    assert.equal(preferences.regionConcurrencyType, 'PARALLEL');
    assert.ok(Number(preferences.failureTolerancePercentage) > 0);
    assert.ok(Number(preferences.maxConcurrentPercentage) >= Number(preferences.failureTolerancePercentage));
    assert.equal(stackSet.inputs.templateBody, renderAuditRoleTemplate());
    assert.equal(stackSet.inputs.templateBody,
      readFileSync(path.join(__dirname, '..', '..', 'infra', 'templates', 'audit-role.json'), 'utf8'));
  });

  it("trusts the auditor task role's ARN in the member template, inside this organization", () => {
    const taskRole = resourceNamed(run, ROLE, 'auditor-task-role');
    const parameters = input<Record<string, string>>(onlyResourceOfType(run, STACK_SET), 'parameters');
    assert.deepEqual(parameters, {
      AuditRoleName: 'IAMAuditRole',
      TrustedPrincipalArns: arnOf(taskRole),
      OrganizationId: MOCK_ORGANIZATION_ID,
      // Credential alerts (on by default): the rule in us-east-1, the role where the StackSet deploys.
      AuditRoleRegion: 'us-east-1',
      CentralEventBusArn: arnOf(onlyResourceOfType(run, 'aws:cloudwatch/eventBus:EventBus')),
      CredentialAlertRegion: 'us-east-1',
    });
  });

  it('targets the organization root in the configured region', () => {
    const instances = resourcesOfType(run, STACK_SET_INSTANCE);
    assert.equal(instances.length, 1);
    const [instance] = instances;
    assert.deepEqual(instance.inputs.deploymentTargets, { organizationalUnitIds: [MOCK_ROOT_ID] });
    assert.equal(instance.inputs.stackSetInstanceRegion, 'us-east-1');
    assert.equal(instance.inputs.stackSetName, onlyResourceOfType(run, STACK_SET).inputs.name);
    assert.equal(instance.inputs.callAs, 'SELF');
  });

  it('creates the same role in the management account from the same documents', () => {
    const role = resourceNamed(run, ROLE, 'audit-role-deploying-account');
    assert.equal(role.inputs.name, 'IAMAuditRole');
    const trust = jsonInput<PolicyDocument>(role, 'assumeRolePolicy');
    assert.deepEqual(trust.Statement.map((statement) => statement.Principal), [
      { AWS: [arnOf(resourceNamed(run, ROLE, 'auditor-task-role'))] },
    ]);
    assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { 'aws:PrincipalOrgID': MOCK_ORGANIZATION_ID } });
    const reads = resourceNamed(run, ROLE_POLICY, 'audit-role-deploying-account-reads');
    assert.equal(reads.inputs.role, 'IAMAuditRole');
    assert.deepEqual(jsonInput(reads, 'policy'), auditRolePermissionsPolicy());
  });

  it('gives the management-account role everything the member template gives its role', () => {
    const role = resourceNamed(run, ROLE, 'audit-role-deploying-account');
    const reads = resourceNamed(run, ROLE_POLICY, 'audit-role-deploying-account-reads');
    const template = JSON.parse(renderAuditRoleTemplate()) as {
      Resources: { AuditRole: { Properties: {
        Description: string; MaxSessionDuration: number; Tags: Array<{ Key: string; Value: string }>;
        Policies: Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>;
        AssumeRolePolicyDocument: PolicyDocument;
      } } };
    };
    const member = template.Resources.AuditRole.Properties;
    assert.equal(role.inputs.description, member.Description);
    assert.equal(role.inputs.maxSessionDuration, member.MaxSessionDuration);
    assert.deepEqual(role.inputs.tags, Object.fromEntries(member.Tags.map(({ Key, Value }) => [Key, Value])));
    assert.deepEqual([[reads.inputs.name, jsonInput(reads, 'policy')]],
      member.Policies.map((memberPolicy) => [memberPolicy.PolicyName, memberPolicy.PolicyDocument]));
    const trust = jsonInput<PolicyDocument>(role, 'assumeRolePolicy');
    assert.deepEqual(trust.Statement.map(({ Sid, Effect, Action }) => [Sid, Effect, Action]),
      member.AssumeRolePolicyDocument.Statement.map(({ Sid, Effect, Action }) => [Sid, Effect, Action]));
  });

  it('makes the reports bucket private, encrypted, versioned, TLS-only and expiring', () => {
    const bucket = onlyResourceOfType(run, 'aws:s3/bucket:Bucket');
    const bucketName = stateOf(bucket, 'bucket');
    const forBucket = (type: string): MockedResource => {
      const found = onlyResourceOfType(run, type);
      assert.equal(found.inputs.bucket, bucketName, `${type} is attached to the reports bucket`);
      return found;
    };
    assert.deepEqual(forBucket('aws:s3/bucketVersioning:BucketVersioning').inputs.versioningConfiguration, { status: 'Enabled' });
    const encryption = input<Array<{ applyServerSideEncryptionByDefault: { sseAlgorithm: string } }>>(
      forBucket('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration'), 'rules');
    assert.ok(['AES256', 'aws:kms'].includes(encryption[0].applyServerSideEncryptionByDefault.sseAlgorithm));
    const publicAccess = forBucket('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs;
    for (const setting of ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets']) {
      assert.equal(publicAccess[setting], true, setting);
    }
    assert.deepEqual(forBucket('aws:s3/bucketOwnershipControls:BucketOwnershipControls').inputs.rule,
      { objectOwnership: 'BucketOwnerEnforced' });
    const tlsOnly = jsonInput<PolicyDocument>(forBucket('aws:s3/bucketPolicy:BucketPolicy'), 'policy');
    assert.deepEqual(tlsOnly.Statement.map((statement) => [statement.Effect, statement.Condition]), [
      ['Deny', { Bool: { 'aws:SecureTransport': 'false' } }],
    ]);
    assert.deepEqual(tlsOnly.Statement[0].Resource, [arnOf(bucket), `${arnOf(bucket)}/*`]);
    const rules = input<Array<Record<string, unknown>>>(
      forBucket('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration'), 'rules');
    const reportRule = rules.find((rule) => rule.id === 'expire-reports');
    assert.ok(reportRule);
    assert.deepEqual(reportRule.filter, { prefix: 'reports/' });
    assert.deepEqual(reportRule.expiration, { days: 365 });
    assert.deepEqual(reportRule.noncurrentVersionExpiration, { noncurrentDays: 30 });
  });

  it('builds the image from auditor/Dockerfile and pushes it to a scanning, immutable ECR repository', () => {
    const repository = onlyResourceOfType(run, 'aws:ecr/repository:Repository');
    assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(repository.inputs.imageTagMutability, 'IMMUTABLE');
    const image = onlyResourceOfType(run, 'docker-build:index:Image');
    const repositoryUrl = stateOf(repository, 'repositoryUrl');
    assert.equal(image.inputs.push, true);
    assert.deepEqual(image.inputs.dockerfile, { location: path.join(__dirname, '..', '..', 'auditor', 'Dockerfile') });
    assert.deepEqual(image.inputs.context, { location: path.join(__dirname, '..', '..') });
    const tags = input<string[]>(image, 'tags');
    assert.equal(tags.length, 1);
    assert.match(tags[0], new RegExp(`^${repositoryUrl.replace(/[.]/g, '\\.')}:src-[0-9a-f]{16}$`));
    assert.deepEqual(input(image, 'registries'), [{ address: repositoryUrl, username: 'AWS', password: 'registry-password' }]);
    assert.ok(run.invokes.some((invoke) => invoke.token === 'aws:ecr/getAuthorizationToken:getAuthorizationToken'));
    assert.equal(containerOf(run).image, `${repositoryUrl}@${MOCK_IMAGE_DIGEST}`);
  });

  it('runs the auditor on Fargate with the roles, the bucket and the role name wired in', () => {
    const taskDefinition = onlyResourceOfType(run, TASK_DEFINITION);
    assert.deepEqual(taskDefinition.inputs.requiresCompatibilities, ['FARGATE']);
    assert.equal(taskDefinition.inputs.networkMode, 'awsvpc');
    assert.deepEqual([taskDefinition.inputs.cpu, taskDefinition.inputs.memory], ['1024', '2048']);
    assert.equal(taskDefinition.inputs.taskRoleArn, arnOf(resourceNamed(run, ROLE, 'auditor-task-role')));
    assert.equal(taskDefinition.inputs.executionRoleArn, arnOf(resourceNamed(run, ROLE, 'auditor-execution-role')));
    const bucketName = stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'bucket');
    assert.deepEqual(environmentOf(run), {
      AUDIT_ROLE_NAME: 'IAMAuditRole',
      AUDIT_S3_URI: `s3://${bucketName}/reports/`,
      AUDIT_CONCURRENCY: '16',
      NODE_OPTIONS: '--max-old-space-size=1536',
      AUDIT_SNS_TOPIC_ARN: stateOf(onlyResourceOfType(run, 'aws:sns/topic:Topic'), 'arn'),
    });
    const container = containerOf(run);
    assert.equal(container.readonlyRootFilesystem, true);
    // The graceful stop needs its grace and the reports' time before ECS kills the task.
    assert.equal(container.stopTimeout, 120);
    assert.notEqual(container.user.split(':')[0], '0');
    assert.deepEqual(container.command, ['--out-dir', AUDITOR_OUTPUT_DIR]);
    assert.ok(container.mountPoints.some((mount) => AUDITOR_OUTPUT_DIR.startsWith(`${mount.containerPath}/`)),
      'the output directory is on a writable volume');
  });

  it('keeps the logs in a log group with the configured retention', () => {
    const logGroup = onlyResourceOfType(run, 'aws:cloudwatch/logGroup:LogGroup');
    assert.equal(logGroup.inputs.retentionInDays, 90);
    const { logDriver, options } = containerOf(run).logConfiguration;
    assert.equal(logDriver, 'awslogs');
    assert.equal(options['awslogs-group'], stateOf(logGroup, 'name'));
    assert.equal(options['awslogs-region'], MOCK_REGION);
    const executionPolicy = policyOf(run, 'auditor-execution-policy');
    assert.ok(resourcesNamedIn(executionPolicy).includes(`${arnOf(logGroup)}:log-stream:*`));
    assert.ok(resourcesNamedIn(executionPolicy).includes(arnOf(onlyResourceOfType(run, 'aws:ecr/repository:Repository'))));
  });

  it("names this bucket's reports prefix in the task role's policy", () => {
    const bucketArn = arnOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'));
    const taskPolicy = policyOf(run, 'auditor-task-policy');
    assert.equal(resourceNamed(run, ROLE_POLICY, 'auditor-task-policy').inputs.role,
      stateOf(resourceNamed(run, ROLE, 'auditor-task-role'), 'name'));
    const s3Resources = taskPolicy.Statement
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')))
      .flatMap((statement) => [statement.Resource ?? []].flat());
    assert.deepEqual([...new Set(s3Resources)].sort(), [bucketArn, `${bucketArn}/reports/*`]);
  });

  it('opens no port: the security group is egress-only, in the default VPC', () => {
    const securityGroup = onlyResourceOfType(run, 'aws:ec2/securityGroup:SecurityGroup');
    assert.deepEqual(securityGroup.inputs.ingress, []);
    assert.ok(input<unknown[]>(securityGroup, 'egress').length > 0);
    assert.equal(securityGroup.inputs.vpcId, MOCK_DEFAULT_VPC_ID);
    assert.equal(resourcesOfType(run, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').length, 0);
  });

  it('schedules this task definition on this cluster, weekly, with retries', () => {
    const schedule = onlyResourceOfType(run, SCHEDULE);
    assert.equal(schedule.inputs.scheduleExpression, 'cron(0 6 ? * MON *)');
    assert.equal(schedule.inputs.scheduleExpressionTimezone, 'UTC');
    const target = input<ScheduleTarget>(schedule, 'target');
    assert.equal(target.arn, arnOf(onlyResourceOfType(run, 'aws:ecs/cluster:Cluster')));
    assert.equal(target.roleArn, arnOf(resourceNamed(run, ROLE, 'auditor-scheduler-role')));
    assert.equal(target.ecsParameters.taskDefinitionArn, arnOf(onlyResourceOfType(run, TASK_DEFINITION)));
    assert.equal(target.ecsParameters.launchType, 'FARGATE');
    assert.deepEqual(target.ecsParameters.networkConfiguration, {
      subnets: MOCK_DEFAULT_SUBNET_IDS,
      securityGroups: [onlyResourceOfType(run, 'aws:ec2/securityGroup:SecurityGroup').id],
      assignPublicIp: true,
    });
    assert.ok(target.retryPolicy.maximumRetryAttempts > 0);
  });

  it('outputs the names and a ready run-task command', () => {
    const { outputs } = run;
    assert.equal(outputs.auditRoleName, 'IAMAuditRole');
    assert.equal(outputs.stackSetName, onlyResourceOfType(run, STACK_SET).inputs.name);
    assert.equal(outputs.reportsBucketName, stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'bucket'));
    assert.equal(outputs.clusterName, stateOf(onlyResourceOfType(run, 'aws:ecs/cluster:Cluster'), 'name'));
    assert.equal(outputs.taskDefinitionArn, arnOf(onlyResourceOfType(run, TASK_DEFINITION)));
    assert.equal(outputs.scheduleName, stateOf(onlyResourceOfType(run, SCHEDULE), 'name'));
    assert.equal(outputs.runTaskCommand, [
      'aws ecs run-task',
      `--region ${MOCK_REGION}`,
      `--cluster ${outputs.clusterName}`,
      '--task-definition iam-audit:3',
      '--launch-type FARGATE',
      `--network-configuration 'awsvpcConfiguration={subnets=[${MOCK_DEFAULT_SUBNET_IDS.join(',')}],securityGroups=[sg-0123456789abcdef0],assignPublicIp=ENABLED}'`,
    ].join(' '));
  });
});

describe('deployment program: OUs, delegated administrator and a given image', () => {
  const givenImage = '222222222222.dkr.ecr.eu-west-1.amazonaws.com/iam-audit:1.2.0';
  const extraPrincipal = 'arn:aws:iam::333333333333:role/SecurityAuditor';
  let run: DeploymentRun;
  before(async () => {
    run = await runDeployment({
      auditRoleName: 'OrgAuditRole',
      targetOrganizationalUnitIds: '["ou-ab12-cd34ef56", "ou-ab12-gh78ij90"]',
      stackSetRegion: 'eu-west-1',
      callAs: 'DELEGATED_ADMIN',
      extraTrustedPrincipalArns: `["${extraPrincipal}"]`,
      imageUri: givenImage,
      subnetIds: '["subnet-0123abcd", "subnet-4567ef01"]',
      assignPublicIp: 'false',
      scheduleExpression: 'rate(1 day)',
      scheduleTimezone: 'Europe/Berlin',
      taskCpu: '1024',
      taskMemory: '4096',
      logRetentionDays: '365',
      reportRetentionDays: '90',
      noncurrentReportRetentionDays: '14',
      auditorConcurrency: '4',
    });
  });

  it('deploys one StackSet instance per OU, as delegated administrator', () => {
    assert.equal(onlyResourceOfType(run, STACK_SET).inputs.callAs, 'DELEGATED_ADMIN');
    const instances = resourcesOfType(run, STACK_SET_INSTANCE);
    // Each OU in the StackSet's region (the role), and in us-east-1 for the credential alert rule.
    assert.deepEqual(instances.map((instance) => [instance.inputs.deploymentTargets, instance.inputs.stackSetInstanceRegion]), [
      [{ organizationalUnitIds: ['ou-ab12-cd34ef56'] }, 'eu-west-1'],
      [{ organizationalUnitIds: ['ou-ab12-gh78ij90'] }, 'eu-west-1'],
      [{ organizationalUnitIds: ['ou-ab12-cd34ef56'] }, 'us-east-1'],
      [{ organizationalUnitIds: ['ou-ab12-gh78ij90'] }, 'us-east-1'],
    ]);
    for (const instance of instances) assert.equal(instance.inputs.callAs, 'DELEGATED_ADMIN');
  });

  it('trusts the task role and the extra principals', () => {
    const parameters = input<Record<string, string>>(onlyResourceOfType(run, STACK_SET), 'parameters');
    assert.equal(parameters.AuditRoleName, 'OrgAuditRole');
    assert.equal(parameters.TrustedPrincipalArns, `${arnOf(resourceNamed(run, ROLE, 'auditor-task-role'))},${extraPrincipal}`);
  });

  it('does not create the role directly: the delegated administrator is a member and gets it from the StackSet', () => {
    assert.ok(!run.resources.some((resource) => resource.name === 'audit-role-deploying-account'));
  });

  it('uses the given image: no repository, no build, pull rights on its repository only', () => {
    assert.equal(resourcesOfType(run, 'aws:ecr/repository:Repository').length, 0);
    assert.equal(resourcesOfType(run, 'docker-build:index:Image').length, 0);
    assert.ok(!run.invokes.some((invoke) => invoke.token === 'aws:ecr/getAuthorizationToken:getAuthorizationToken'));
    assert.equal(containerOf(run).image, givenImage);
    assert.ok(resourcesNamedIn(policyOf(run, 'auditor-execution-policy'))
      .includes('arn:aws:ecr:eu-west-1:222222222222:repository/iam-audit'));
    assert.equal(run.outputs.auditorImageUri, givenImage);
  });

  it('applies the task size, concurrency, retention and schedule settings', () => {
    const taskDefinition = onlyResourceOfType(run, TASK_DEFINITION);
    assert.deepEqual([taskDefinition.inputs.cpu, taskDefinition.inputs.memory], ['1024', '4096']);
    assert.equal(environmentOf(run).AUDIT_ROLE_NAME, 'OrgAuditRole');
    assert.equal(environmentOf(run).AUDIT_CONCURRENCY, '4');
    assert.equal(environmentOf(run).NODE_OPTIONS, '--max-old-space-size=3072', 'the heap follows the task memory');
    assert.equal(onlyResourceOfType(run, 'aws:cloudwatch/logGroup:LogGroup').inputs.retentionInDays, 365);
    const rules = input<Array<Record<string, unknown>>>(
      onlyResourceOfType(run, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration'), 'rules');
    const reportRule = rules.find((rule) => rule.id === 'expire-reports');
    assert.deepEqual(reportRule?.expiration, { days: 90 });
    assert.deepEqual(reportRule?.noncurrentVersionExpiration, { noncurrentDays: 14 });
    const schedule = onlyResourceOfType(run, SCHEDULE);
    assert.equal(schedule.inputs.scheduleExpression, 'rate(1 day)');
    assert.equal(schedule.inputs.scheduleExpressionTimezone, 'Europe/Berlin');
    const policy = policyOf(run, 'auditor-task-policy');
    assert.ok(resourcesNamedIn(policy).includes('arn:aws:iam::*:role/OrgAuditRole'));
  });

  it('runs in the given subnets, in their VPC, without a public IP', () => {
    const securityGroup = onlyResourceOfType(run, 'aws:ec2/securityGroup:SecurityGroup');
    assert.equal(securityGroup.inputs.vpcId, 'vpc-of-subnet-0123abcd');
    assert.ok(!run.invokes.some((invoke) => invoke.token === 'aws:ec2/getVpc:getVpc'));
    const target = input<ScheduleTarget>(onlyResourceOfType(run, SCHEDULE), 'target');
    assert.deepEqual(target.ecsParameters.networkConfiguration.subnets, ['subnet-0123abcd', 'subnet-4567ef01']);
    assert.equal(target.ecsParameters.networkConfiguration.assignPublicIp, false);
    assert.match(run.outputs.runTaskCommand, /subnets=\[subnet-0123abcd,subnet-4567ef01\].*assignPublicIp=DISABLED/);
  });
});

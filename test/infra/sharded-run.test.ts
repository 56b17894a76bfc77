// The `shards` setting: one task as before with 1, a Step Functions state machine of n shards and
// a merge above 1, with every role's permissions judged by a real policy evaluator.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { strict as assert } from 'assert';
import { parseDeploymentConfig } from './stack-settings';
import { PolicyDocument } from '../../infra/policies';
import {
  input,
  jsonInput,
  MOCK_ACCOUNT_ID,
  MOCK_DEFAULT_SUBNET_IDS,
  MOCK_REGION,
  onlyResourceOfType,
  resourceNamed,
  resourcesOfType,
  stateOf,
} from './mocked-pulumi';
import { DeploymentRun, runDeployment } from './run-deployment';

const STATE_MACHINE = 'aws:sfn/stateMachine:StateMachine';
const SCHEDULE = 'aws:scheduler/schedule:Schedule';
const ROLE = 'aws:iam/role:Role';
const ROLE_POLICY = 'aws:iam/rolePolicy:RolePolicy';

type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

async function decide(principal: string, policy: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}, resourcePolicy?: PolicyDocument): Promise<Decision> {
  const response = await runSimulation({
    identityPolicies: [{ name: 'policy', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    request: { principal, action, resource: { resource, accountId: MOCK_ACCOUNT_ID }, contextVariables: context },
  }, {});
  if (response.resultType === 'error') throw new Error(`could not simulate ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

interface ContainerOverride {
  Name: string;
  Command: string[];
  Environment: Array<{ Name: string; 'Value.$'?: string }>;
}

interface RunTaskState {
  Type: string;
  Resource: string;
  Parameters: {
    Cluster: string;
    TaskDefinition: string;
    LaunchType: string;
    NetworkConfiguration: { AwsvpcConfiguration: { Subnets: string[]; SecurityGroups: string[]; AssignPublicIp: string } };
    Overrides: { ContainerOverrides: ContainerOverride[] };
  };
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  End?: boolean;
}

interface Definition {
  StartAt: string;
  States: Record<string, { Type: string; Next?: string; Branches?: Array<{ StartAt: string; States: Record<string, RunTaskState> }> } & Partial<RunTaskState>>;
}

describe('deployment setting shards', () => {
  it('defaults to 1 and refuses values outside 1-100, naming the key', () => {
    assert.equal(parseDeploymentConfig({}).shards, 1);
    assert.equal(parseDeploymentConfig({ shards: '12' }).shards, 12);
    for (const bad of ['0', '101', '2.5', 'many', '-1']) {
      assert.throws(() => parseDeploymentConfig({ shards: bad }), new RegExp(`^DeploymentConfigError: iam-audit-kit:shards: expected a whole number from 1 to 100, got "${bad.replace('.', '\\.')}"$`), bad);
    }
  });

  describe('with 1 shard', () => {
    let run: DeploymentRun;
    before(async () => {
      run = await runDeployment({ shards: '1' });
    });

    it('keeps the single scheduled task and creates no state machine', async () => {
      assert.equal(resourcesOfType(run, STATE_MACHINE).length, 0);
      assert.throws(() => resourceNamed(run, ROLE, 'auditor-state-machine-role'));
      const defaults = await runDeployment({});
      assert.deepEqual(run.resources.map((resource) => `${resource.type}::${resource.name}`).sort(), defaults.resources.map((resource) => `${resource.type}::${resource.name}`).sort());
      const target = input<{ arn: string; ecsParameters: { taskCount: number } }>(onlyResourceOfType(run, SCHEDULE), 'target');
      assert.equal(target.arn, stateOf(onlyResourceOfType(run, 'aws:ecs/cluster:Cluster'), 'arn'));
      assert.equal(target.ecsParameters.taskCount, 1);
      assert.equal(run.outputs.shardedRunStateMachineArn, undefined);
      assert.equal(run.outputs.startShardedRunCommand, undefined);
    });
  });

  describe('with 3 shards', () => {
    let run: DeploymentRun;
    let definition: Definition;
    let clusterArn: string;
    let taskDefinitionArn: string;
    let stateMachineArn: string;
    let bucketName: string;
    before(async () => {
      run = await runDeployment({ shards: '3' });
      const machine = onlyResourceOfType(run, STATE_MACHINE);
      definition = jsonInput<Definition>(machine, 'definition');
      stateMachineArn = stateOf(machine, 'arn');
      clusterArn = stateOf(onlyResourceOfType(run, 'aws:ecs/cluster:Cluster'), 'arn');
      taskDefinitionArn = stateOf(onlyResourceOfType(run, 'aws:ecs/taskDefinition:TaskDefinition'), 'arn');
      bucketName = stateOf(onlyResourceOfType(run, 'aws:s3/bucket:Bucket'), 'bucket');
    });

    it('exports the state machine and the command that starts a run now', () => {
      assert.equal(run.outputs.shardedRunStateMachineArn, stateMachineArn);
      assert.equal(run.outputs.startShardedRunCommand, `aws stepfunctions start-execution --region ${MOCK_REGION} --state-machine-arn ${stateMachineArn}`);
    });

    it('runs 3 shard tasks side by side with one run time, then the merge', () => {
      assert.equal(definition.StartAt, 'Shards');
      const parallel = definition.States.Shards;
      assert.equal(parallel.Type, 'Parallel');
      assert.equal(parallel.Next, 'Merge');
      const shardsUri = `s3://${bucketName}/reports/shards/`;
      const branches = parallel.Branches ?? [];
      assert.equal(branches.length, 3);
      branches.forEach((branch, i) => {
        const task = branch.States[branch.StartAt];
        assert.equal(task.Resource, 'arn:aws:states:::ecs:runTask.sync');
        assert.equal(task.Parameters.Cluster, clusterArn);
        assert.equal(task.Parameters.TaskDefinition, taskDefinitionArn);
        assert.equal(task.Parameters.LaunchType, 'FARGATE');
        assert.deepEqual(task.Parameters.NetworkConfiguration.AwsvpcConfiguration.Subnets, MOCK_DEFAULT_SUBNET_IDS);
        const [override] = task.Parameters.Overrides.ContainerOverrides;
        assert.equal(override.Name, 'auditor');
        assert.deepEqual(override.Command, ['--out-dir', '/tmp/output', '--shard', `${i + 1}/3`, '--s3-uri', shardsUri]);
        assert.deepEqual(override.Environment, [{ Name: 'AUDIT_RUN_TIME', 'Value.$': '$$.Execution.StartTime' }]);
        // A shard exiting 2 (an account partial) still wrote its part: the others and the merge go on.
        assert.deepEqual(task.Catch?.map((handler) => handler.ErrorEquals), [['States.ALL']]);
      });
      const merge = definition.States.Merge;
      assert.equal(merge.Resource, 'arn:aws:states:::ecs:runTask.sync');
      // The execution succeeds only when the merge exits 0.
      assert.equal(merge.Next, 'MergeExitCode');
      assert.deepEqual(definition.States.MergeExitCode, {
        Type: 'Choice',
        Choices: [{ Variable: '$.merge.ExitCode', NumericEquals: 0, Next: 'Done' }],
        Default: 'MergeFailed',
      });
      assert.deepEqual(merge.Catch, [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mergeError', Next: 'MergeFailed' }]);
      assert.equal(definition.States.MergeFailed.Type, 'Fail');
      assert.equal(definition.States.Done.Type, 'Succeed');
      const [override] = merge.Parameters?.Overrides.ContainerOverrides ?? [];
      assert.deepEqual(override.Command, ['merge', '--from', shardsUri, '--out-dir', '/tmp/output']);
      assert.deepEqual(override.Environment, [{ Name: 'AUDIT_RUN_TIME', 'Value.$': '$$.Execution.StartTime' }]);
    });

    it('starts the state machine on the schedule instead of a task', () => {
      const target = input<{ arn: string; roleArn: string; ecsParameters?: unknown }>(onlyResourceOfType(run, SCHEDULE), 'target');
      assert.equal(target.arn, stateMachineArn);
      assert.equal(target.ecsParameters, undefined);
      assert.equal(target.roleArn, stateOf(resourceNamed(run, ROLE, 'auditor-scheduler-role'), 'arn'));
    });

    it('lets Step Functions alone take the state machine role', () => {
      const trust = jsonInput<PolicyDocument>(resourceNamed(run, ROLE, 'auditor-state-machine-role'), 'assumeRolePolicy');
      assert.deepEqual(trust.Statement.map((statement) => [statement.Principal, statement.Condition]), [[{ Service: 'states.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': MOCK_ACCOUNT_ID } }]]);
    });

    describe('the state machine role, under a policy evaluator', () => {
      let policy: PolicyDocument;
      const principal = `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/auditor-state-machine-role/execution`;
      before(() => {
        policy = jsonInput<PolicyDocument>(resourceNamed(run, ROLE_POLICY, 'auditor-state-machine-policy'), 'policy');
      });

      it('runs this task definition revision on this cluster only', async () => {
        const onCluster = { 'ecs:cluster': clusterArn };
        assert.equal(await decide(principal, policy, 'ecs:RunTask', taskDefinitionArn, onCluster), 'Allowed');
        assert.notEqual(await decide(principal, policy, 'ecs:RunTask', taskDefinitionArn.replace(/:3$/, ':2'), onCluster), 'Allowed');
        assert.notEqual(await decide(principal, policy, 'ecs:RunTask', taskDefinitionArn.replace('iam-audit:', 'other:'), onCluster), 'Allowed');
        assert.notEqual(await decide(principal, policy, 'ecs:RunTask', taskDefinitionArn, { 'ecs:cluster': `${clusterArn}-other` }), 'Allowed');
      });

      it('follows and stops tasks of this cluster only', async () => {
        const task = `${clusterArn.replace(':cluster/', ':task/')}/0123456789abcdef`;
        for (const action of ['ecs:DescribeTasks', 'ecs:StopTask']) {
          assert.equal(await decide(principal, policy, action, task, { 'ecs:cluster': clusterArn }), 'Allowed', action);
          assert.notEqual(await decide(principal, policy, action, task.replace('/auditor-cluster-c1/', '/other/'), { 'ecs:cluster': clusterArn }), 'Allowed', action);
        }
      });

      it('passes only the task and execution roles, and only to ECS tasks', async () => {
        const toEcs = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' };
        for (const name of ['auditor-task-role', 'auditor-execution-role']) {
          assert.equal(await decide(principal, policy, 'iam:PassRole', stateOf(resourceNamed(run, ROLE, name), 'arn'), toEcs), 'Allowed', name);
        }
        const taskRoleArn = stateOf(resourceNamed(run, ROLE, 'auditor-task-role'), 'arn');
        assert.notEqual(await decide(principal, policy, 'iam:PassRole', taskRoleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' }), 'Allowed');
        assert.notEqual(await decide(principal, policy, 'iam:PassRole', `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/Admin`, toEcs), 'Allowed');
      });

      it('keeps the managed rule that .sync waits on, and no other rule', async () => {
        const rule = `arn:aws:events:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:rule/StepFunctionsGetEventsForECSTaskRule`;
        for (const action of ['events:PutRule', 'events:PutTargets', 'events:DescribeRule']) {
          assert.equal(await decide(principal, policy, action, rule), 'Allowed', action);
        }
        assert.notEqual(await decide(principal, policy, 'events:PutRule', rule.replace('StepFunctionsGetEventsForECSTaskRule', 'AnyRule')), 'Allowed');
        assert.notEqual(await decide(principal, policy, 'events:DeleteRule', rule), 'Allowed');
      });
    });

    it('lets the schedule start this state machine and nothing else', async () => {
      const policy = jsonInput<PolicyDocument>(resourceNamed(run, ROLE_POLICY, 'auditor-scheduler-policy'), 'policy');
      const principal = `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/auditor-scheduler-role/schedule`;
      assert.equal(await decide(principal, policy, 'states:StartExecution', stateMachineArn), 'Allowed');
      assert.notEqual(await decide(principal, policy, 'states:StartExecution', `${stateMachineArn}-other`), 'Allowed');
      assert.notEqual(await decide(principal, policy, 'ecs:RunTask', taskDefinitionArn, { 'ecs:cluster': clusterArn }), 'Allowed');
    });

    it('lets the task role write the parts and the merge list and read them', async () => {
      const policy = jsonInput<PolicyDocument>(resourceNamed(run, ROLE_POLICY, 'auditor-task-policy'), 'policy');
      const bucketPolicy = jsonInput<PolicyDocument>(onlyResourceOfType(run, 'aws:s3/bucketPolicy:BucketPolicy'), 'policy');
      const principal = stateOf(resourceNamed(run, ROLE, 'auditor-task-role'), 'arn');
      const bucketArn = `arn:aws:s3:::${bucketName}`;
      const part = `${bucketArn}/reports/shards/2026/01/05/20260105T060000Z/iam_audit_20260105T060000Z_shard-2-of-3.json`;
      const tls = { 'aws:SecureTransport': 'true' };
      assert.equal(await decide(principal, policy, 's3:PutObject', part, tls, bucketPolicy), 'Allowed');
      assert.equal(await decide(principal, policy, 's3:GetObject', part, tls, bucketPolicy), 'Allowed');
      assert.equal(await decide(principal, policy, 's3:ListBucket', bucketArn, { ...tls, 's3:prefix': 'reports/shards/' }, bucketPolicy), 'Allowed');
      assert.notEqual(await decide(principal, policy, 's3:DeleteObject', part, tls, bucketPolicy), 'Allowed');
    });
  });
});

import { runSimulation } from '@cloud-copilot/iam-simulate';
import { strict as assert } from 'assert';
import { DeploymentConfigError } from '../../infra/config';
import { parseDeploymentConfig } from './stack-settings';
import { PolicyDocument } from '../../infra/policies';
import { input, jsonInput, onlyResourceOfType, resourceNamed, resourcesOfType, stateOf } from './mocked-pulumi';
import { DeploymentRun, runDeployment } from './run-deployment';

const TOPIC = 'aws:sns/topic:Topic';
const SUBSCRIPTION = 'aws:sns/topicSubscription:TopicSubscription';

function taskPolicy(run: DeploymentRun): PolicyDocument {
  return jsonInput<PolicyDocument>(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'auditor-task-policy'), 'policy');
}

function containerEnvironment(run: DeploymentRun): Record<string, string> {
  const [container] = jsonInput<Array<{ environment: Array<{ name: string; value: string }> }>>(onlyResourceOfType(run, 'aws:ecs/taskDefinition:TaskDefinition'), 'containerDefinitions');
  return Object.fromEntries(container.environment.map(({ name, value }) => [name, value]));
}

async function mayPublish(policy: PolicyDocument, topicArn: string): Promise<string> {
  const response = await runSimulation({
    identityPolicies: [{ name: 'task-policy', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: 'arn:aws:iam::111111111111:role/auditor-task-role',
      action: 'sns:Publish',
      resource: { resource: topicArn, accountId: '111111111111' },
      contextVariables: {},
    },
  }, {});
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

describe('deployment: run summary notifications', () => {
  it('creates an encrypted topic, lets only the task role publish to it and tells the auditor its ARN', async () => {
    const run = await runDeployment({});
    const topic = onlyResourceOfType(run, TOPIC);
    const topicArn = stateOf(topic, 'arn');
    // Its own key, which EventBridge may use for the credential alerts (on by default); without them, the AWS managed key.
    assert.equal(input<string>(topic, 'kmsMasterKeyId'), stateOf(onlyResourceOfType(run, 'aws:kms/key:Key'), 'arn'));
    assert.equal(input<string>(onlyResourceOfType(await runDeployment({ credentialAlerts: 'false' }), TOPIC), 'kmsMasterKeyId'), 'alias/aws/sns');
    assert.deepEqual(resourcesOfType(run, SUBSCRIPTION), []);
    assert.equal(containerEnvironment(run).AUDIT_SNS_TOPIC_ARN, topicArn);
    assert.equal(run.outputs.notificationTopicArn, topicArn);
    const publish = taskPolicy(run).Statement.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('sns:')));
    assert.deepEqual(publish, [{ Sid: 'PublishRunSummary', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn }]);
    // Judged by a policy evaluator: this topic, and no other.
    assert.equal(await mayPublish(taskPolicy(run), topicArn), 'Allowed');
    assert.equal(await mayPublish(taskPolicy(run), topicArn.replace(/:[^:]+$/, ':someone-elses-topic')), 'ImplicitlyDenied');
  });

  it('subscribes the notification email when one is set', async () => {
    const run = await runDeployment({ notificationEmail: 'security-team@example.com' });
    const subscription = onlyResourceOfType(run, SUBSCRIPTION);
    assert.equal(input<string>(subscription, 'protocol'), 'email');
    assert.equal(input<string>(subscription, 'endpoint'), 'security-team@example.com');
    assert.equal(input<string>(subscription, 'topic'), stateOf(onlyResourceOfType(run, TOPIC), 'arn'));
  });

  it('refuses anything but one email address, naming the key', () => {
    for (const bad of ['security-team', 'a@b.com, c@d.com', 'Security <sec@example.com>', 'sec@example']) {
      assert.throws(() => parseDeploymentConfig({ notificationEmail: bad }), (error: unknown) => error instanceof DeploymentConfigError && /^iam-audit-kit:notificationEmail: /.test(error.message), bad);
    }
    assert.equal(parseDeploymentConfig({ notificationEmail: ' sec@example.com ' }).notificationEmail, 'sec@example.com');
  });
});

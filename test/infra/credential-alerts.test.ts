// Credential alerts: the pattern every account's rule forwards, judged against CloudTrail events in
// EventBridge's shapes; the readable message of each kind; and what the deployment creates for
// them under Pulumi's mocks (the member template's rule and role, the central bus, its policy and
// rules, the topic policy and key, the management account's own rule in us-east-1).
import { strict as assert } from 'assert';
import { renderAuditRoleTemplate } from '../../infra/audit-role-template';
import {
  CREDENTIAL_ALERT_KINDS, CREDENTIAL_ALERT_RULE_NAME, credentialAlertEventNames, credentialAlertKindPattern, credentialAlertPattern,
  credentialAlertTransformer, iamEventsRegion,
} from '../../infra/credential-alert-rule';
import { DeploymentConfigError } from '../../infra/config';
import { PolicyDocument } from '../../infra/policies';
import { matchesEventPattern, renderInputTemplate } from '../support/event-pattern';
import { ACCOUNT, ALERTING_EVENTS, QUIET_EVENTS } from './fixtures/cloudtrail-credential-events';
import {
  input, jsonInput, MOCK_ACCOUNT_ID, MOCK_ORGANIZATION_ID, MockedResource, onlyResourceOfType, resourceNamed, resourcesOfType, stateOf,
} from './mocked-pulumi';
import { DeploymentRun, runDeployment } from './run-deployment';
import { parseDeploymentConfig } from './stack-settings';

const BUS = 'aws:cloudwatch/eventBus:EventBus';
const BUS_POLICY = 'aws:cloudwatch/eventBusPolicy:EventBusPolicy';
const RULE = 'aws:cloudwatch/eventRule:EventRule';
const TARGET = 'aws:cloudwatch/eventTarget:EventTarget';
const TOPIC_POLICY = 'aws:sns/topicPolicy:TopicPolicy';
const KEY = 'aws:kms/key:Key';
const PROVIDER = 'pulumi:providers:aws';
const STACK_SET = 'aws:cloudformation/stackSet:StackSet';
const STACK_SET_INSTANCE = 'aws:cloudformation/stackSetInstance:StackSetInstance';

interface TemplateResource { Type: string; Condition?: string; Properties: Record<string, unknown> }
interface Template {
  Parameters: Record<string, { Default?: string }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
}
const template = JSON.parse(renderAuditRoleTemplate()) as Template;
const memberRule = template.Resources.CredentialAlertRule;

/** CloudFormation's condition functions, enough for this template. */
function evaluate(expression: unknown, parameters: Record<string, string>, region: string, conditions: Record<string, unknown>): unknown {
  if (typeof expression === 'string') return expression;
  const node = expression as Record<string, unknown[] | string>;
  const [[name, argument]] = Object.entries(node);
  if (name === 'Ref') return argument === 'AWS::Region' ? region : parameters[argument as string] ?? template.Parameters[argument as string]?.Default;
  const args = (argument as unknown[]).map((item) => evaluate(item, parameters, region, conditions));
  switch (name) {
    case 'Fn::Equals': return args[0] === args[1];
    case 'Fn::Or': return args.some(Boolean);
    case 'Fn::And': return args.every(Boolean);
    case 'Fn::Not': return !args[0];
    case 'Condition': return evaluate(conditions[argument as string], parameters, region, conditions);
    default: throw new Error(`condition function ${name}`);
  }
}

/** The template's resources a stack in `region` creates with these parameters. */
function created(parameters: Record<string, string>, region: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Condition === undefined || evaluate(template.Conditions[resource.Condition], parameters, region, template.Conditions) === true)
    .map(([logicalId]) => logicalId)
    .sort();
}

const BUS_ARN = `arn:aws:events:eu-west-1:${MOCK_ACCOUNT_ID}:event-bus/iam-audit-credential-alerts`;

describe('credential alerts: the pattern against CloudTrail events', () => {
  it('covers every event the issue names, and root sign-ins', () => {
    assert.deepEqual([...new Set(credentialAlertEventNames())].sort(), [
      'ConsoleLogin', 'CreateAccessKey', 'CreateLoginProfile', 'CreateUser', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'UpdateAccessKey', 'UpdateLoginProfile',
    ]);
  });

  for (const [name, sample] of Object.entries(ALERTING_EVENTS)) {
    it(`${name}: forwarded by every account's rule, taken by exactly the ${sample.kind} rule, told readably`, () => {
      assert.ok(matchesEventPattern(memberRule.Properties.EventPattern, sample.event), 'the member template rule forwards it');
      assert.ok(matchesEventPattern(credentialAlertPattern(), sample.event), "the management account's rule forwards it");
      const taking = CREDENTIAL_ALERT_KINDS.filter((kind) => matchesEventPattern(credentialAlertKindPattern(kind), sample.event));
      assert.deepEqual(taking.map((kind) => kind.id), [sample.kind]);
      const message = renderInputTemplate(credentialAlertTransformer(taking[0]), sample.event);
      const detail = sample.event.detail as { userIdentity: { arn: string }; sourceIPAddress: string; eventTime: string; eventName: string };
      for (const part of [...sample.says, `in account ${ACCOUNT}`, `by ${detail.userIdentity.arn}`, `from ${detail.sourceIPAddress}`, `at ${detail.eventTime}`, detail.eventName]) {
        assert.ok(message.includes(part), `${JSON.stringify(message)} says ${part}`);
      }
      assert.doesNotMatch(message, /<[a-zA-Z]+>/, 'no placeholder left');
    });
  }

  for (const [name, event] of Object.entries(QUIET_EVENTS)) {
    it(`${name}: no alert`, () => {
      assert.equal(matchesEventPattern(memberRule.Properties.EventPattern, event), false);
      assert.equal(matchesEventPattern(credentialAlertPattern(), event), false);
      assert.deepEqual(CREDENTIAL_ALERT_KINDS.filter((kind) => matchesEventPattern(credentialAlertKindPattern(kind), event)).map((kind) => kind.id), []);
    });
  }

  it('the test matcher itself: absent fields, exists, arrays in events and $or', () => {
    assert.ok(matchesEventPattern({ a: [{ exists: false }] }, { b: 1 }));
    assert.ok(!matchesEventPattern({ a: [{ exists: false }] }, { a: 'x' }));
    assert.ok(matchesEventPattern({ a: { b: ['x'] } }, { a: { b: ['y', 'x'] } }));
    assert.ok(!matchesEventPattern({ a: { b: ['x'] } }, { a: null }));
    assert.ok(matchesEventPattern({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' }));
    assert.ok(!matchesEventPattern({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '3' }));
    assert.throws(() => matchesEventPattern({ a: [{ numeric: ['>', 1] }] }, { a: 2 }), /not supported/);
  });

  it("knows where IAM's events arrive in each partition, and refuses a region it does not know", () => {
    assert.equal(iamEventsRegion('eu-central-1'), 'us-east-1');
    assert.equal(iamEventsRegion('us-gov-east-1'), 'us-gov-west-1');
    assert.equal(iamEventsRegion('cn-northwest-1'), 'cn-north-1');
    assert.throws(() => parseDeploymentConfig({ stackSetRegion: 'us-isob-east-1' }), (error: unknown) =>
      error instanceof DeploymentConfigError && error.key === 'credentialAlerts' && /set credentialAlerts to false/.test(error.message));
    assert.equal(parseDeploymentConfig({ stackSetRegion: 'us-isob-east-1', credentialAlerts: 'false' }).credentialAlerts, false);
  });
});

describe('credential alerts: the member-account template', () => {
  it('creates the rule and its role only in the alert region, and the audit role only in its own region', () => {
    const withAlerts = { CentralEventBusArn: BUS_ARN, AuditRoleRegion: 'eu-west-1' };
    assert.deepEqual(created(withAlerts, 'eu-west-1'), ['AuditRole']);
    assert.deepEqual(created(withAlerts, 'us-east-1'), ['CredentialAlertForwarderRole', 'CredentialAlertRule']);
    assert.deepEqual(created({ ...withAlerts, AuditRoleRegion: 'us-east-1' }, 'us-east-1'), ['AuditRole', 'CredentialAlertForwarderRole', 'CredentialAlertRule']);
  });

  it('creates the audit role alone, as before, without a bus (the parameters as a stack used them)', () => {
    assert.deepEqual(created({}, 'us-east-1'), ['AuditRole']);
    assert.deepEqual(created({}, 'eu-west-1'), ['AuditRole']);
  });

  it('forwards to the bus with a role that may only put events there, assumed by EventBridge of this account', () => {
    assert.equal(memberRule.Properties.Name, CREDENTIAL_ALERT_RULE_NAME);
    assert.deepEqual(memberRule.Properties.EventPattern, credentialAlertPattern());
    assert.deepEqual(memberRule.Properties.Targets, [{ Id: 'central-bus', Arn: { Ref: 'CentralEventBusArn' }, RoleArn: { 'Fn::GetAtt': ['CredentialAlertForwarderRole', 'Arn'] } }]);
    const role = template.Resources.CredentialAlertForwarderRole.Properties as {
      AssumeRolePolicyDocument: PolicyDocument; Policies: Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
    };
    assert.deepEqual(role.AssumeRolePolicyDocument.Statement.map((statement) => [statement.Principal, statement.Action, statement.Condition]), [
      [{ Service: 'events.amazonaws.com' }, 'sts:AssumeRole', { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }],
    ]);
    assert.deepEqual(role.Policies.flatMap((policy) => policy.PolicyDocument.Statement).map((statement) => [statement.Effect, statement.Action, statement.Resource]), [
      ['Allow', 'events:PutEvents', { Ref: 'CentralEventBusArn' }],
    ]);
  });
});

function bodyOf(resource: MockedResource, key: string): PolicyDocument {
  return jsonInput<PolicyDocument>(resource, key);
}

describe('credential alerts under Pulumi mocks (on by default)', () => {
  let run: DeploymentRun;
  before(async () => {
    run = await runDeployment({ stackSetRegion: 'eu-west-1' });
  });

  it('creates a central bus only the organization may put events on', () => {
    const bus = onlyResourceOfType(run, BUS);
    const policy = onlyResourceOfType(run, BUS_POLICY);
    assert.equal(policy.inputs.eventBusName, stateOf(bus, 'name'));
    assert.deepEqual(bodyOf(policy, 'policy').Statement, [{
      Sid: 'AccountsOfTheOrganization', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'events:PutEvents', Resource: stateOf(bus, 'arn'),
      Condition: { StringEquals: { 'aws:PrincipalOrgID': MOCK_ORGANIZATION_ID } },
    }]);
    assert.equal(run.outputs.credentialAlertBusArn, stateOf(bus, 'arn'));
  });

  it('routes each kind from the bus to the topic with its readable message', () => {
    const bus = onlyResourceOfType(run, BUS);
    const topicArn = stateOf(onlyResourceOfType(run, 'aws:sns/topic:Topic'), 'arn');
    const busRules = resourcesOfType(run, RULE).filter((rule) => rule.inputs.eventBusName === stateOf(bus, 'name'));
    assert.deepEqual(busRules.map((rule) => JSON.parse(String(rule.inputs.eventPattern)) as unknown), CREDENTIAL_ALERT_KINDS.map(credentialAlertKindPattern));
    for (const [index, rule] of busRules.entries()) {
      const target = resourcesOfType(run, TARGET).find((candidate) => candidate.inputs.rule === stateOf(rule, 'name'));
      assert.ok(target, `${rule.name} has a target`);
      assert.equal(target.inputs.arn, topicArn);
      assert.equal(target.inputs.eventBusName, stateOf(bus, 'name'));
      assert.deepEqual(input(target, 'inputTransformer'), credentialAlertTransformer(CREDENTIAL_ALERT_KINDS[index]));
    }
  });

  it('lets EventBridge publish to the topic for these rules only, with a key of its own EventBridge may use', () => {
    const topic = onlyResourceOfType(run, 'aws:sns/topic:Topic');
    const policy = onlyResourceOfType(run, TOPIC_POLICY);
    assert.equal(policy.inputs.arn, stateOf(topic, 'arn'));
    const busRuleArns = resourcesOfType(run, RULE).filter((rule) => rule.inputs.eventBusName !== undefined).map((rule) => stateOf(rule, 'arn'));
    assert.deepEqual(bodyOf(policy, 'policy').Statement, [{
      Sid: 'CredentialAlertRules', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: stateOf(topic, 'arn'),
      Condition: { ArnEquals: { 'aws:SourceArn': busRuleArns } },
    }]);
    const key = onlyResourceOfType(run, KEY);
    assert.equal(topic.inputs.kmsMasterKeyId, stateOf(key, 'arn'), 'EventBridge cannot publish with the AWS managed key');
    assert.equal(key.inputs.enableKeyRotation, true);
    const statements = bodyOf(key, 'policy').Statement;
    assert.ok(statements.some((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' })
      && [statement.Action].flat().includes('kms:GenerateDataKey*')), 'EventBridge may encrypt');
    assert.ok(statements.some((statement) => statement.Condition?.StringEquals?.['kms:ViaService'] === 'sns.eu-west-1.amazonaws.com'
      && statement.Condition.StringEquals['kms:CallerAccount'] === MOCK_ACCOUNT_ID), 'the task role still publishes through SNS');
  });

  it("forwards the management account's own events from us-east-1, whatever the deployment's region", () => {
    const provider = onlyResourceOfType(run, PROVIDER);
    assert.equal(provider.inputs.region, 'us-east-1');
    const own = resourceNamed(run, RULE, 'credential-alerts-deploying-account');
    assert.ok(own.provider?.includes(provider.name), 'the rule is made through the us-east-1 provider');
    assert.equal(own.inputs.eventBusName, undefined, "on the account's default bus");
    assert.deepEqual(JSON.parse(String(own.inputs.eventPattern)), credentialAlertPattern());
    const target = resourceNamed(run, TARGET, 'credential-alerts-deploying-account-to-bus');
    assert.ok(target.provider?.includes(provider.name));
    assert.equal(target.inputs.arn, stateOf(onlyResourceOfType(run, BUS), 'arn'));
    const role = resourceNamed(run, 'aws:iam/role:Role', 'credential-alerts-forwarder');
    assert.equal(target.inputs.roleArn, stateOf(role, 'arn'));
    assert.deepEqual(bodyOf(role, 'assumeRolePolicy').Statement[0].Principal, { Service: 'events.amazonaws.com' });
    assert.deepEqual(bodyOf(resourceNamed(run, 'aws:iam/rolePolicy:RolePolicy', 'credential-alerts-forwarder-policy'), 'policy').Statement,
      [{ Sid: 'CentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: stateOf(onlyResourceOfType(run, BUS), 'arn') }]);
  });

  it("gives every member account the rule in us-east-1 and keeps the audit role in the StackSet's region", () => {
    const parameters = input<Record<string, string>>(onlyResourceOfType(run, STACK_SET), 'parameters');
    assert.equal(parameters.CentralEventBusArn, stateOf(onlyResourceOfType(run, BUS), 'arn'));
    assert.equal(parameters.AuditRoleRegion, 'eu-west-1');
    assert.equal(parameters.CredentialAlertRegion, 'us-east-1');
    assert.deepEqual(resourcesOfType(run, STACK_SET_INSTANCE).map((instance) => [instance.name, instance.inputs.stackSetInstanceRegion]), [
      ['audit-role-target-0', 'eu-west-1'],
      ['audit-role-target-0-us-east-1', 'us-east-1'],
    ]);
    assert.deepEqual(created(parameters, 'eu-west-1'), ['AuditRole']);
    assert.deepEqual(created(parameters, 'us-east-1'), ['CredentialAlertForwarderRole', 'CredentialAlertRule']);
  });
});

describe('credential alerts: other deployments', () => {
  it('from a delegated administrator: no rule of its own (the StackSet gives it one), one region when it is us-east-1', async () => {
    const run = await runDeployment({ callAs: 'DELEGATED_ADMIN', stackSetRegion: 'us-east-1' });
    assert.equal(resourcesOfType(run, PROVIDER).length, 0);
    assert.ok(!run.resources.some((resource) => resource.name.startsWith('credential-alerts-deploying-account')));
    assert.deepEqual(resourcesOfType(run, STACK_SET_INSTANCE).map((instance) => instance.inputs.stackSetInstanceRegion), ['us-east-1']);
    assert.equal(onlyResourceOfType(run, BUS).inputs.name, 'iam-audit-credential-alerts');
  });

  it('off: no bus, no rule, no key, no topic policy, the AWS managed key, the StackSet as before', async () => {
    const run = await runDeployment({ credentialAlerts: 'false', stackSetRegion: 'eu-west-1' });
    for (const type of [BUS, BUS_POLICY, RULE, TARGET, TOPIC_POLICY, KEY, PROVIDER]) assert.equal(resourcesOfType(run, type).length, 0, type);
    assert.equal(onlyResourceOfType(run, 'aws:sns/topic:Topic').inputs.kmsMasterKeyId, 'alias/aws/sns');
    assert.deepEqual(Object.keys(input<Record<string, string>>(onlyResourceOfType(run, STACK_SET), 'parameters')).sort(), ['AuditRoleName', 'OrganizationId', 'TrustedPrincipalArns']);
    assert.deepEqual(resourcesOfType(run, STACK_SET_INSTANCE).map((instance) => instance.inputs.stackSetInstanceRegion), ['eu-west-1']);
    assert.equal(run.outputs.credentialAlertBusArn, undefined);
  });
});

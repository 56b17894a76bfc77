import { strict as assert } from 'assert';
import { noAccessKeys } from '../../policy-pack/policies/no-access-keys';
import { UNKNOWN, resourceArgs, runResourcePolicy, urnOf } from './policy-harness';

const ACCESS_KEY = 'aws:iam/accessKey:AccessKey';
const NATIVE_ACCESS_KEY = 'aws-native:iam:AccessKey';
const STACK = 'aws:cloudformation/stack:Stack';
const STACK_SET = 'aws:cloudformation/stackSet:StackSet';
const EXEMPT = { exemptUserNames: ['break-glass'] };

const YAML_TEMPLATE_WITH_KEY = `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  KeyUserName:
    Type: String
    Default: deployer
Resources:
  Deployer:
    Type: AWS::IAM::User
    Properties:
      UserName: !Ref KeyUserName
      Path: !Sub '/\${AWS::StackName}/'
  DeployerKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Deployer
Outputs:
  KeyId:
    Value: !Ref DeployerKey
  SecretArn:
    Value: !GetAtt Deployer.Arn
  Joined:
    Value: !Join ['-', [!Ref 'AWS::Region', !Select [0, !GetAZs '']]]
`;

describe('iam-no-access-keys', () => {
  it('is mandatory by default and offers an empty exemption list', () => {
    assert.equal(noAccessKeys.enforcementLevel, 'mandatory');
    assert.deepEqual(noAccessKeys.configSchema?.properties.exemptUserNames.default, []);
  });

  it('reports an aws.iam.AccessKey with the resource, the user and the fix', async () => {
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'ci-key', { user: 'ci-bot', pgpKey: 'keybase:x' }));
    assert.equal(outcome.violations.length, 1);
    const [{ message }] = outcome.violations;
    assert.match(message, /"ci-key"/);
    assert.ok(message.includes(urnOf(ACCESS_KEY, 'ci-key')));
    assert.match(message, /"ci-bot"/);
    assert.match(message, /IAM role/);
    assert.match(message, /exemptUserNames/);
  });

  it('reports an aws-native AccessKey', async () => {
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(NATIVE_ACCESS_KEY, 'native-key', { userName: 'ci-bot' }));
    assert.equal(outcome.violations.length, 1);
    assert.match(outcome.violations[0].message, /aws-native:iam:AccessKey "native-key".*"ci-bot"/);
  });

  it('lets exempt break-glass users keep a key, and only them', async () => {
    const exempt = await runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'bg', { user: 'break-glass' }, EXEMPT));
    assert.deepEqual(exempt.violations, []);
    const nativeExempt = await runResourcePolicy(noAccessKeys, resourceArgs(NATIVE_ACCESS_KEY, 'bg', { userName: 'break-glass' }, EXEMPT));
    assert.deepEqual(nativeExempt.violations, []);
    const other = await runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'ci', { user: 'ci-bot' }, EXEMPT));
    assert.equal(other.violations.length, 1);
  });

  it('during preview, skips a key whose user is unknown only when an exemption could apply', async () => {
    const withExemptions = await runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'k', { user: UNKNOWN }, EXEMPT));
    assert.deepEqual(withExemptions.violations, []);
    assert.match(withExemptions.skippedBecauseUnknown ?? '', /user/);
    const withoutExemptions = await runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'k', { user: UNKNOWN }));
    assert.equal(withoutExemptions.violations.length, 1);
    assert.equal(withoutExemptions.skippedBecauseUnknown, undefined);
  });

  it('ignores other resources', async () => {
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs('aws:iam/user:User', 'u', { name: 'alice' }));
    assert.deepEqual(outcome, { violations: [] });
  });

  it('reports AWS::IAM::AccessKey in a JSON template of a Stack and a StackSet', async () => {
    const template = JSON.stringify({
      Resources: {
        Ops: { Type: 'AWS::IAM::User', Properties: { UserName: 'ops' } },
        OpsKey: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: { Ref: 'Ops' } } },
      },
    });
    for (const type of [STACK, STACK_SET]) {
      const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(type, 'member-template', { templateBody: template }));
      assert.equal(outcome.violations.length, 1, type);
      assert.match(outcome.violations[0].message, /AWS::IAM::AccessKey "OpsKey" for "ops"/);
      assert.ok(outcome.violations[0].message.includes(urnOf(type, 'member-template')));
    }
  });

  it('passes a template without access keys', async () => {
    const template = JSON.stringify({ Resources: { Ops: { Type: 'AWS::IAM::User', Properties: { UserName: 'ops' } } } });
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(STACK_SET, 't', { templateBody: template }));
    assert.deepEqual(outcome.violations, []);
  });

  it('reads YAML templates with short intrinsic tags and resolves the key user through !Ref and parameters', async () => {
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 'yaml', { templateBody: YAML_TEMPLATE_WITH_KEY }));
    assert.equal(outcome.violations.length, 1);
    assert.match(outcome.violations[0].message, /"DeployerKey" for "deployer"/);
    // The parameter's default names the user ...
    const exemptByDefault = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 'yaml', { templateBody: YAML_TEMPLATE_WITH_KEY }, { exemptUserNames: ['deployer'] }));
    assert.deepEqual(exemptByDefault.violations, []);
    // ... unless the stack passes a value, which wins.
    const passed = await runResourcePolicy(
      noAccessKeys,
      resourceArgs(STACK, 'yaml', { templateBody: YAML_TEMPLATE_WITH_KEY, parameters: { KeyUserName: 'break-glass' } }, { exemptUserNames: ['deployer'] }),
    );
    assert.equal(passed.violations.length, 1);
    assert.match(passed.violations[0].message, /"break-glass"/);
    const passedExempt = await runResourcePolicy(
      noAccessKeys,
      resourceArgs(STACK, 'yaml', { templateBody: YAML_TEMPLATE_WITH_KEY, parameters: { KeyUserName: 'break-glass' } }, EXEMPT),
    );
    assert.deepEqual(passedExempt.violations, []);
  });

  it('never exempts a key whose user name CloudFormation generates, and says how to exempt it', async () => {
    const template = `
Resources:
  Generated:
    Type: AWS::IAM::User
  GeneratedKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Generated
`;
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 'gen', { templateBody: template }, EXEMPT));
    assert.equal(outcome.violations.length, 1);
    assert.match(outcome.violations[0].message, /fixed UserName/);
  });

  it('skips a template unknown during preview and one kept in S3', async () => {
    const unknown = await runResourcePolicy(noAccessKeys, resourceArgs(STACK_SET, 't', { templateBody: UNKNOWN }));
    assert.deepEqual(unknown.violations, []);
    assert.match(unknown.skippedBecauseUnknown ?? '', /templateBody/);
    const s3 = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 't', { templateUrl: 'https://bucket.s3.amazonaws.com/t.yaml' }));
    assert.deepEqual(s3, { violations: [] });
  });

  it('skips the exemption check for a template whose parameter value is unknown, after reporting what is known', async () => {
    const template = `
Parameters:
  Name: { Type: String }
Resources:
  KnownKey:
    Type: AWS::IAM::AccessKey
    Properties: { UserName: ci-bot }
  ParamKey:
    Type: AWS::IAM::AccessKey
    Properties: { UserName: !Ref Name }
`;
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 't', { templateBody: template, parameters: { Name: UNKNOWN } }, EXEMPT));
    assert.equal(outcome.violations.length, 1);
    assert.match(outcome.violations[0].message, /"KnownKey"/);
    assert.ok(outcome.skippedBecauseUnknown);
  });

  it('fails closed on a template it cannot read', async () => {
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 'broken', { templateBody: 'Resources: [unclosed' }));
    assert.equal(outcome.violations.length, 1);
    assert.match(outcome.violations[0].message, /cannot be read/);
  });

  it('rejects a malformed exemption list with a message naming the key', async () => {
    await assert.rejects(
      runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'k', { user: 'x' }, { exemptUserNames: 'break-glass' })),
      /exemptUserNames/,
    );
  });
});

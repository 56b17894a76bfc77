import { strict as assert } from 'assert';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
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

describe('iam-no-access-keys and the audit\'s exemptions file', () => {
  const ENTRIES = [
    { account: '*', user: 'break-glass-*', rule: '*', reason: 'Sealed break-glass key', expires: '2099-12-31' },
    { account: '015197090613', user: 'deployer', rule: 'access-key-very-old', reason: 'Legacy pipeline, moving to OIDC', expires: '2099-12-31' },
    { account: '*', user: 'ops-*', rule: 'access-key-not-rotated', reason: 'Old migration', expires: '2020-01-31' },
    { account: '*', user: 'alice', rule: 'console-user-without-mfa', reason: 'About a password, not a key', expires: '2099-12-31' },
  ];
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'pack-exemptions-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const keyFor = (user: string, config: object) => runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'k', { user }, config));

  it('lets a user an entry in force matches (by glob, for every account) have a key', async () => {
    assert.deepEqual((await keyFor('break-glass-admin', { exemptions: ENTRIES })).violations, []);
    assert.equal((await keyFor('ci-bot', { exemptions: ENTRIES })).violations.length, 1);
  });

  it('applies an entry for one account only when the config names that account', async () => {
    assert.equal((await keyFor('deployer', { exemptions: ENTRIES })).violations.length, 1);
    assert.deepEqual((await keyFor('deployer', { exemptions: ENTRIES, accountId: '015197090613' })).violations, []);
    assert.equal((await keyFor('deployer', { exemptions: ENTRIES, accountId: '111111111111' })).violations.length, 1);
  });

  it('honours only entries about keys (or every rule), and none past its last day, saying which expired', async () => {
    assert.equal((await keyFor('alice', { exemptions: ENTRIES })).violations.length, 1);
    const expired = await keyFor('ops-1', { exemptions: ENTRIES });
    assert.equal(expired.violations.length, 1);
    assert.match(expired.violations[0].message, /The exemption exemptions\[2\] \(account \*, user ops-\*, rule access-key-not-rotated\) expired on 2020-01-31/);
  });

  it('reads the same YAML file the audit reads, naming its line in errors', async () => {
    const file = path.join(scratch, 'exemptions.yaml');
    writeFileSync(file, 'exemptions:\n  - account: "*"\n    user: break-glass-*\n    rule: "*"\n    reason: Sealed\n    expires: 2099-12-31\n');
    assert.deepEqual((await keyFor('break-glass-admin', { exemptionsFile: file })).violations, []);
    assert.equal((await keyFor('ci-bot', { exemptionsFile: file })).violations.length, 1);
    const bad = path.join(scratch, 'bad.yaml');
    writeFileSync(bad, 'exemptions:\n  - account: 015197090613\n    user: x\n    rule: "*"\n    reason: r\n    expires: 2099-12-31\n');
    await assert.rejects(keyFor('x', { exemptionsFile: bad }), /bad\.yaml line 2: account 015197090613 must be quoted/);
    await assert.rejects(keyFor('x', { exemptionsFile: path.join(scratch, 'missing.yaml') }), /iam-no-access-keys: config "exemptionsFile": cannot read .*missing\.yaml/);
  });

  it('rejects malformed entries and account ids, naming the property', async () => {
    await assert.rejects(keyFor('x', { exemptions: [{ ...ENTRIES[0], expires: 'soon' }] }), /iam-no-access-keys config exemptions\[0\]\.expires: expires should be a calendar date/);
    await assert.rejects(keyFor('x', { exemptions: ENTRIES, accountId: '15197090613' }), /iam-no-access-keys: config "accountId" must be a 12-digit AWS account id/);
  });

  it('during preview, skips a key whose user is unknown when an entry could exempt it', async () => {
    const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(ACCESS_KEY, 'k', { user: UNKNOWN }, { exemptions: ENTRIES }));
    assert.deepEqual(outcome.violations, []);
    assert.match(outcome.skippedBecauseUnknown ?? '', /user/);
  });
});

describe('iam-no-access-keys and inactive keys', () => {
  it('stops a key created Inactive too: it can be switched on later with one call', async () => {
    for (const [type, props] of [[ACCESS_KEY, { user: 'ci-bot', status: 'Inactive' }], [NATIVE_ACCESS_KEY, { userName: 'ci-bot', status: 'Inactive' }]] as const) {
      const outcome = await runResourcePolicy(noAccessKeys, resourceArgs(type, 'dormant', props));
      assert.equal(outcome.violations.length, 1, type);
      assert.match(outcome.violations[0].message, /creates a long-lived access key for IAM user "ci-bot"/);
    }
    const template = JSON.stringify({ Resources: { Key: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: 'ops', Status: 'Inactive' } } } });
    const inTemplate = await runResourcePolicy(noAccessKeys, resourceArgs(STACK, 't', { templateBody: template }));
    assert.equal(inTemplate.violations.length, 1);
  });
});

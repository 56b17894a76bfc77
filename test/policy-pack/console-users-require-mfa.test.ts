import { strict as assert } from 'assert';
import { readTemplate } from '../../policy-pack/cloudformation-template';
import { consoleUsersRequireMfa } from '../../policy-pack/policies/console-users-require-mfa';
import { MFA_DENY_POLICY, MFA_DENY_STATEMENT, StackResourceSpec, UNKNOWN, runStackPolicy, stackArgs, urnOf } from './policy-harness';

const T = {
  user: 'aws:iam/user:User',
  loginProfile: 'aws:iam/userLoginProfile:UserLoginProfile',
  userPolicy: 'aws:iam/userPolicy:UserPolicy',
  userPolicyAttachment: 'aws:iam/userPolicyAttachment:UserPolicyAttachment',
  policy: 'aws:iam/policy:Policy',
  policyAttachment: 'aws:iam/policyAttachment:PolicyAttachment',
  group: 'aws:iam/group:Group',
  groupPolicy: 'aws:iam/groupPolicy:GroupPolicy',
  groupPolicyAttachment: 'aws:iam/groupPolicyAttachment:GroupPolicyAttachment',
  groupMembership: 'aws:iam/groupMembership:GroupMembership',
  userGroupMembership: 'aws:iam/userGroupMembership:UserGroupMembership',
  stack: 'aws:cloudformation/stack:Stack',
  stackSet: 'aws:cloudformation/stackSet:StackSet',
};

const POLICY_ARN = 'arn:aws:iam::111111111111:policy/force-mfa';

const alice: StackResourceSpec[] = [
  { type: T.user, name: 'alice', props: { name: 'alice' } },
  { type: T.loginProfile, name: 'alice-console', props: { user: 'alice' } },
];

async function check(resources: StackResourceSpec[]) {
  return runStackPolicy(consoleUsersRequireMfa, stackArgs(resources));
}

function statementDocument(statement: object): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

describe('iam-console-users-require-mfa', () => {
  it('is a mandatory stack policy', () => {
    assert.equal(consoleUsersRequireMfa.enforcementLevel, 'mandatory');
    assert.equal(typeof consoleUsersRequireMfa.validateStack, 'function');
  });

  it('reports a console user without an MFA-enforcing deny, on the login profile, with the fix', async () => {
    const outcome = await check(alice);
    assert.equal(outcome.violations.length, 1);
    const [violation] = outcome.violations;
    assert.equal(violation.urn, urnOf(T.loginProfile, 'alice-console'));
    assert.match(violation.message, /"alice-console".*"alice" a console password/);
    assert.ok(violation.message.includes(urnOf(T.loginProfile, 'alice-console')));
    assert.match(violation.message, /BoolIfExists/);
  });

  it('passes users without a console password', async () => {
    const outcome = await check([{ type: T.user, name: 'svc', props: { name: 'svc' } }]);
    assert.deepEqual(outcome, { violations: [] });
  });

  it('accepts an inline user policy, as a JSON string or an object with single values', async () => {
    assert.deepEqual((await check([...alice, { type: T.userPolicy, name: 'p', props: { user: 'alice', policy: MFA_DENY_POLICY } }])).violations, []);
    const objectDocument = { Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } } } };
    assert.deepEqual((await check([...alice, { type: T.userPolicy, name: 'p', props: { user: 'alice', policy: objectDocument } }])).violations, []);
  });

  it('does not count denies that do not enforce MFA', async () => {
    const weak = [
      { ...MFA_DENY_STATEMENT, Effect: 'Allow' },
      { ...MFA_DENY_STATEMENT, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
      { ...MFA_DENY_STATEMENT, Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } },
      { ...MFA_DENY_STATEMENT, NotAction: undefined, Action: 's3:GetObject' },
      { ...MFA_DENY_STATEMENT, Resource: 'arn:aws:s3:::bucket/*' },
      { ...MFA_DENY_STATEMENT, NotAction: ['iam:EnableMFADevice', '*'] },
      { ...MFA_DENY_STATEMENT, Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' }, StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
    ];
    for (const statement of weak) {
      const outcome = await check([...alice, { type: T.userPolicy, name: 'p', props: { user: 'alice', policy: statementDocument(statement) } }]);
      assert.equal(outcome.violations.length, 1, JSON.stringify(statement));
    }
    const otherUser = await check([...alice, { type: T.userPolicy, name: 'p', props: { user: 'bob', policy: MFA_DENY_POLICY } }]);
    assert.equal(otherUser.violations.length, 1);
  });

  it('accepts a policy of the stack attached with UserPolicyAttachment or PolicyAttachment', async () => {
    const policy = { type: T.policy, name: 'force-mfa', props: { policy: MFA_DENY_POLICY, arn: POLICY_ARN } };
    const viaUserAttachment = await check([...alice, policy, { type: T.userPolicyAttachment, name: 'a', props: { user: 'alice', policyArn: POLICY_ARN } }]);
    assert.deepEqual(viaUserAttachment.violations, []);
    const viaPolicyAttachment = await check([...alice, policy, { type: T.policyAttachment, name: 'a', props: { users: ['alice'], policyArn: POLICY_ARN } }]);
    assert.deepEqual(viaPolicyAttachment.violations, []);
    const awsManaged = await check([
      ...alice,
      { type: T.userPolicyAttachment, name: 'a', props: { user: 'alice', policyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword' } },
    ]);
    assert.equal(awsManaged.violations.length, 1);
  });

  it('accepts coverage through a group: memberships, group policies and group attachments', async () => {
    const group = { type: T.group, name: 'humans', props: { name: 'humans' } };
    const policy = { type: T.policy, name: 'force-mfa', props: { policy: MFA_DENY_POLICY, arn: POLICY_ARN } };
    const cases: StackResourceSpec[][] = [
      [group, { type: T.groupMembership, name: 'm', props: { group: 'humans', users: ['alice'] } }, { type: T.groupPolicy, name: 'gp', props: { group: 'humans', policy: MFA_DENY_POLICY } }],
      [group, policy, { type: T.userGroupMembership, name: 'm', props: { user: 'alice', groups: ['humans'] } }, { type: T.groupPolicyAttachment, name: 'ga', props: { group: 'humans', policyArn: POLICY_ARN } }],
      [group, policy, { type: T.userGroupMembership, name: 'm', props: { user: 'alice', groups: ['humans'] } }, { type: T.policyAttachment, name: 'pa', props: { groups: ['humans'], policyArn: POLICY_ARN } }],
    ];
    for (const resources of cases) assert.deepEqual((await check([...alice, ...resources])).violations, [], resources.map((r) => r.type).join(', '));
    const groupWithoutMembership = await check([...alice, group, { type: T.groupPolicy, name: 'gp', props: { group: 'humans', policy: MFA_DENY_POLICY } }]);
    assert.equal(groupWithoutMembership.violations.length, 1);
  });

  it('during preview, follows links through the resources a value depends on', async () => {
    const outcome = await check([
      { type: T.user, name: 'alice', props: { name: 'alice' } },
      { type: T.loginProfile, name: 'alice-console', props: { user: UNKNOWN }, dependsOn: { user: ['alice'] } },
      { type: T.policy, name: 'force-mfa', props: { policy: MFA_DENY_POLICY, arn: UNKNOWN } },
      { type: T.userPolicyAttachment, name: 'a', props: { user: UNKNOWN, policyArn: UNKNOWN }, dependsOn: { user: ['alice'], policyArn: ['force-mfa'] } },
    ]);
    assert.deepEqual(outcome, { violations: [] });
  });

  it('during preview, meets a link by name with a link by dependency through the stack\'s group', async () => {
    const outcome = await check([
      ...alice,
      { type: T.group, name: 'humans', props: { name: 'humans' } },
      { type: T.groupMembership, name: 'm', props: { group: 'humans', users: ['alice'] } },
      { type: T.groupPolicy, name: 'gp', props: { group: UNKNOWN, policy: MFA_DENY_POLICY }, dependsOn: { group: ['humans'] } },
    ]);
    assert.deepEqual(outcome, { violations: [] });
  });

  it('during preview, matches an attachment\'s spelled-out ARN to a new policy by path and name', async () => {
    const outcome = await check([
      ...alice,
      { type: T.policy, name: 'force-mfa', props: { name: 'force-mfa', path: '/humans/', policy: MFA_DENY_POLICY, arn: UNKNOWN } },
      { type: T.userPolicyAttachment, name: 'a', props: { user: 'alice', policyArn: 'arn:aws:iam::111111111111:policy/humans/force-mfa' } },
    ]);
    assert.deepEqual(outcome, { violations: [] });
    const otherPath = await check([
      ...alice,
      { type: T.policy, name: 'force-mfa', props: { name: 'force-mfa', path: '/', policy: MFA_DENY_POLICY, arn: 'arn:aws:iam::111111111111:policy/force-mfa' } },
      { type: T.userPolicyAttachment, name: 'a', props: { user: 'alice', policyArn: 'arn:aws:iam::111111111111:policy/humans/force-mfa' } },
    ]);
    assert.equal(otherPath.violations.length, 1);
    const unnamed = await check([
      ...alice,
      { type: T.policy, name: 'force-mfa', props: { namePrefix: 'force-mfa-', policy: MFA_DENY_POLICY, arn: UNKNOWN } },
      { type: T.userPolicyAttachment, name: 'a', props: { user: 'alice', policyArn: 'arn:aws:iam::111111111111:policy/force-mfa-123' } },
    ]);
    assert.deepEqual(unnamed.violations, []);
    assert.match(unnamed.skippedBecauseUnknown ?? '', /arn/);
  });

  it('during preview, skips a user whose cover is unknown but still reports users certainly uncovered', async () => {
    const outcome = await check([
      ...alice,
      { type: T.userPolicy, name: 'p', props: { user: 'alice', policy: UNKNOWN } },
      { type: T.user, name: 'bob', props: { name: 'bob' } },
      { type: T.loginProfile, name: 'bob-console', props: { user: 'bob' } },
    ]);
    assert.equal(outcome.violations.length, 1);
    assert.equal(outcome.violations[0].urn, urnOf(T.loginProfile, 'bob-console'));
    assert.match(outcome.skippedBecauseUnknown ?? '', /policy/);
  });

  describe('with aws-native resources', () => {
    const NATIVE = {
      user: 'aws-native:iam:User',
      userPolicy: 'aws-native:iam:UserPolicy',
      group: 'aws-native:iam:Group',
      groupPolicy: 'aws-native:iam:GroupPolicy',
      managedPolicy: 'aws-native:iam:ManagedPolicy',
    };
    const forceMfa = JSON.parse(MFA_DENY_POLICY);
    const nativeAlice = (extra: Record<string, unknown> = {}): StackResourceSpec => ({
      type: NATIVE.user,
      name: 'alice',
      props: { userName: 'alice', loginProfile: { password: 'initial', passwordResetRequired: true }, ...extra },
    });

    it('reports a user with a loginProfile and nothing enforcing MFA, and ignores one without', async () => {
      const outcome = await check([nativeAlice()]);
      assert.equal(outcome.violations.length, 1);
      assert.equal(outcome.violations[0].urn, urnOf(NATIVE.user, 'alice'));
      assert.match(outcome.violations[0].message, /aws-native:iam:User "alice".*"alice" a console password/);
      assert.deepEqual((await check([{ type: NATIVE.user, name: 'svc', props: { userName: 'svc' } }])).violations, []);
    });

    it('accepts the deny through embedded policies, UserPolicy, managed policies and groups', async () => {
      const policyArn = 'arn:aws:iam::111111111111:policy/force-mfa';
      const managed = { type: NATIVE.managedPolicy, name: 'force-mfa', props: { managedPolicyName: 'force-mfa', policyDocument: forceMfa, policyArn } };
      const cases: StackResourceSpec[][] = [
        [nativeAlice({ policies: [{ policyName: 'force-mfa', policyDocument: forceMfa }] })],
        [nativeAlice(), { type: NATIVE.userPolicy, name: 'p', props: { userName: 'alice', policyName: 'force-mfa', policyDocument: forceMfa } }],
        [nativeAlice({ managedPolicyArns: [policyArn] }), managed],
        [nativeAlice(), { ...managed, props: { ...managed.props, users: ['alice'] } }],
        [nativeAlice({ groups: ['humans'] }), { type: NATIVE.group, name: 'humans', props: { groupName: 'humans', policies: [{ policyName: 'f', policyDocument: forceMfa }] } }],
        [nativeAlice({ groups: ['humans'] }), { type: NATIVE.groupPolicy, name: 'gp', props: { groupName: 'humans', policyDocument: forceMfa } }],
      ];
      for (const resources of cases) assert.deepEqual((await check(resources)).violations, [], JSON.stringify(resources));
      assert.equal((await check([nativeAlice({ managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }), managed])).violations.length, 1);
    });
  });

  describe('in CloudFormation templates', () => {
    const header = 'Resources:\n';
    const consoleUser = `
  Alice:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
      LoginProfile:
        Password: '{{resolve:secretsmanager:alice-initial}}'
        PasswordResetRequired: true
`;
    // Indented to sit under a `PolicyDocument:` key of a `Policies` list item (or of a ManagedPolicy's Properties).
    const forceMfaYaml = `
            Version: '2012-10-17'
            Statement:
              - Effect: Deny
                NotAction: ['iam:EnableMFADevice', 'iam:CreateVirtualMFADevice', 'iam:ListMFADevices']
                Resource: '*'
                Condition:
                  BoolIfExists:
                    aws:MultiFactorAuthPresent: 'false'`;

    async function checkTemplate(templateBody: string, type = T.stack) {
      const outcome = await check([{ type, name: 'cfn', props: { templateBody } }]);
      // Each template here must be readable, or "no violation" would prove nothing.
      assert.ok(readTemplate(templateBody, undefined).kind === 'template', templateBody);
      return outcome;
    }

    it('reports a user with a LoginProfile and nothing enforcing MFA', async () => {
      for (const type of [T.stack, T.stackSet]) {
        const outcome = await checkTemplate(header + consoleUser, type);
        assert.equal(outcome.violations.length, 1);
        assert.equal(outcome.violations[0].urn, urnOf(type, 'cfn'));
        assert.match(outcome.violations[0].message, /CloudFormation user "Alice" has a console password/);
      }
    });

    it('accepts the user\'s own Policies', async () => {
      const template = `${header}${consoleUser}      Policies:
        - PolicyName: force-mfa
          PolicyDocument:${forceMfaYaml}
`;
      assert.deepEqual((await checkTemplate(template)).violations, []);
    });

    it('accepts a ManagedPolicy of the template in ManagedPolicyArns, or one that lists the user', async () => {
      const managed = `
  ForceMfa:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:${forceMfaYaml}
`;
      const byArn = `${header}${consoleUser}      ManagedPolicyArns:
        - !Ref ForceMfa
${managed}`;
      assert.deepEqual((await checkTemplate(byArn)).violations, []);
      const byUsers = `${header}${consoleUser}${managed}      Users: [!Ref Alice]
`;
      assert.deepEqual((await checkTemplate(byUsers)).violations, []);
    });

    it('accepts a group with the deny that the user belongs to (Groups or UserToGroupAddition)', async () => {
      const group = `
  Humans:
    Type: AWS::IAM::Group
    Properties:
      GroupName: humans
      Policies:
        - PolicyName: force-mfa
          PolicyDocument:${forceMfaYaml}
`;
      const viaGroups = `${header}${consoleUser}      Groups: [!Ref Humans]
${group}`;
      assert.deepEqual((await checkTemplate(viaGroups)).violations, []);
      const viaAddition = `${header}${consoleUser}${group}
  AddAlice:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: humans
      Users: [alice]
`;
      assert.deepEqual((await checkTemplate(viaAddition)).violations, []);
      const notMember = `${header}${consoleUser}${group}`;
      assert.equal((await checkTemplate(notMember)).violations.length, 1);
    });

    it('accepts a JSON template with an AWS::IAM::Policy naming the user', async () => {
      const template = JSON.stringify({
        Resources: {
          Alice: { Type: 'AWS::IAM::User', Properties: { LoginProfile: { Password: 'x' } } },
          ForceMfa: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'force-mfa', Users: [{ Ref: 'Alice' }], PolicyDocument: { Statement: [MFA_DENY_STATEMENT] } } },
        },
      });
      assert.deepEqual((await checkTemplate(template)).violations, []);
    });
  });
});

import { strict as assert } from 'assert';
import { humanRoleTrustRequiresMfa } from '../../policy-pack/policies/human-role-trust-requires-mfa';
import { UNKNOWN, resourceArgs, runResourcePolicy, urnOf } from './policy-harness';

const ROLE = 'aws:iam/role:Role';
const NATIVE_ROLE = 'aws-native:iam:Role';
const STACK_SET = 'aws:cloudformation/stackSet:StackSet';

function trust(principal: unknown, condition?: object, action: unknown = 'sts:AssumeRole'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) }],
  });
}

async function checkRole(assumeRolePolicy: unknown) {
  return runResourcePolicy(humanRoleTrustRequiresMfa, resourceArgs(ROLE, 'ops', { assumeRolePolicy }));
}

describe('iam-human-role-trust-requires-mfa', () => {
  it('is advisory by default', () => {
    assert.equal(humanRoleTrustRequiresMfa.enforcementLevel, 'advisory');
  });

  it('reports account, user and wildcard principals trusted without MFA, with the resource and the fix', async () => {
    const people = [
      { AWS: 'arn:aws:iam::123456789012:root' },
      { AWS: '123456789012' },
      { AWS: ['arn:aws:iam::111111111111:role/ci', 'arn:aws:iam::123456789012:user/alice'] },
      '*',
      { AWS: '*' },
    ];
    for (const principal of people) {
      const outcome = await checkRole(trust(principal));
      assert.equal(outcome.violations.length, 1, JSON.stringify(principal));
      const [{ message }] = outcome.violations;
      assert.ok(message.includes(urnOf(ROLE, 'ops')));
      assert.match(message, /without MFA/);
      assert.match(message, /aws:MultiFactorAuthPresent/);
    }
    const named = await checkRole(trust({ AWS: 'arn:aws:iam::123456789012:user/alice' }));
    assert.match(named.violations[0].message, /arn:aws:iam::123456789012:user\/alice/);
  });

  it('accepts a trust that requires MFA (Bool, BoolIfExists, MultiFactorAuthAge)', async () => {
    const conditions = [
      { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      { BoolIfExists: { 'aws:MultiFactorAuthPresent': true } },
      { Bool: { 'aws:multifactorauthpresent': ['true'] } },
      { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
    ];
    for (const condition of conditions) {
      assert.deepEqual((await checkRole(trust({ AWS: 'arn:aws:iam::123456789012:root' }, condition))).violations, [], JSON.stringify(condition));
    }
    const wrongValue = await checkRole(trust({ AWS: '123456789012' }, { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }));
    assert.equal(wrongValue.violations.length, 1);
  });

  it('accepts service, federated and role principals (the audit role trusts a role)', async () => {
    const machines = [
      { Service: 'ecs-tasks.amazonaws.com' },
      { Service: ['lambda.amazonaws.com', 'events.amazonaws.com'] },
      { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      { AWS: 'arn:aws:iam::123456789012:role/iam-audit-kit-auditor' },
      { AWS: 'arn:aws:sts::123456789012:assumed-role/ci/session' },
    ];
    for (const principal of machines) {
      assert.deepEqual((await checkRole(trust(principal))).violations, [], JSON.stringify(principal));
    }
  });

  it('accepts an account principal narrowed to roles by aws:PrincipalArn, and only to roles', async () => {
    const toRoles = await checkRole(trust({ AWS: '123456789012' }, { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/ci-*', 'arn:aws:iam::123456789012:role/deploy'] } }));
    assert.deepEqual(toRoles.violations, []);
    const toUsers = await checkRole(trust({ AWS: '123456789012' }, { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/ci', 'arn:aws:iam::123456789012:user/*'] } }));
    assert.equal(toUsers.violations.length, 1);
  });

  it('only looks at statements that allow sts:AssumeRole', async () => {
    assert.deepEqual((await checkRole(trust({ AWS: '123456789012' }, undefined, 'sts:TagSession'))).violations, []);
    assert.equal((await checkRole(trust({ AWS: '123456789012' }, undefined, ['sts:TagSession', 'sts:*']))).violations.length, 1);
    const deny = JSON.stringify({ Statement: { Effect: 'Deny', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' } });
    assert.deepEqual((await checkRole(deny)).violations, []);
  });

  it('reads documents given as objects with single values', async () => {
    const document = { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' } };
    assert.equal((await checkRole(document)).violations.length, 1);
  });

  it('checks aws-native roles', async () => {
    const document = { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: ['sts:AssumeRole'] }] };
    const outcome = await runResourcePolicy(humanRoleTrustRequiresMfa, resourceArgs(NATIVE_ROLE, 'n', { assumeRolePolicyDocument: document }));
    assert.equal(outcome.violations.length, 1);
  });

  it('during preview, skips a trust policy that is unknown, or whose principal is', async () => {
    const unknownDocument = await checkRole(UNKNOWN);
    assert.deepEqual(unknownDocument.violations, []);
    assert.match(unknownDocument.skippedBecauseUnknown ?? '', /assumeRolePolicy/);
    const unknownPrincipal = await checkRole({ Statement: [{ Effect: 'Allow', Principal: { AWS: UNKNOWN }, Action: 'sts:AssumeRole' }] });
    assert.deepEqual(unknownPrincipal.violations, []);
    assert.ok(unknownPrincipal.skippedBecauseUnknown);
    // An unknown principal next to a known human one: the known one is still reported.
    const mixed = await checkRole({ Statement: [{ Effect: 'Allow', Principal: { AWS: [UNKNOWN, '123456789012'] }, Action: 'sts:AssumeRole' }] });
    assert.equal(mixed.violations.length, 1);
  });

  it('checks roles in CloudFormation templates, resolving !Sub, !Ref and !GetAtt', async () => {
    const template = `
Parameters:
  TrustedAccountId: { Type: String }
  AuditorRoleName: { Type: String, Default: iam-audit-kit-auditor }
Resources:
  AuditRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub 'arn:\${AWS::Partition}:iam::\${TrustedAccountId}:role/\${AuditorRoleName}'
            Action: sts:AssumeRole
  AdminRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${TrustedAccountId}:root' }
            Action: sts:AssumeRole
  LocalRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !Ref AWS::AccountId }
            Action: sts:AssumeRole
            Condition: { Bool: { aws:MultiFactorAuthPresent: 'true' } }
  ChainedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt AuditRole.Arn }
            Action: sts:AssumeRole
`;
    const outcome = await runResourcePolicy(
      humanRoleTrustRequiresMfa,
      resourceArgs(STACK_SET, 'audit-role', { templateBody: template, parameters: { TrustedAccountId: '999999999999' } }),
    );
    assert.equal(outcome.violations.length, 1);
    assert.match(outcome.violations[0].message, /CloudFormation role "AdminRole".*arn:\$\{\.\.\.\}:iam::999999999999:root/);
    const unknownParameter = await runResourcePolicy(
      humanRoleTrustRequiresMfa,
      resourceArgs(STACK_SET, 'audit-role', { templateBody: template, parameters: { TrustedAccountId: UNKNOWN } }),
    );
    assert.deepEqual(unknownParameter.violations, []);
    assert.match(unknownParameter.skippedBecauseUnknown ?? '', /parameters/);
  });

  it('expands a !Ref to a CommaDelimitedList parameter into its principals', async () => {
    const template = JSON.stringify({
      Parameters: { TrustedPrincipalArns: { Type: 'CommaDelimitedList' }, OrganizationId: { Type: 'String' } },
      Resources: {
        AuditRole: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: { Ref: 'TrustedPrincipalArns' } },
                  Action: 'sts:AssumeRole',
                  Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
                },
              ],
            },
          },
        },
      },
    });
    const roles = 'arn:aws:iam::111111111111:role/auditor-task,arn:aws:iam::222222222222:role/security-audit';
    const onlyRoles = await runResourcePolicy(
      humanRoleTrustRequiresMfa,
      resourceArgs(STACK_SET, 'audit-role', { templateBody: template, parameters: { TrustedPrincipalArns: roles, OrganizationId: 'o-abc' } }),
    );
    assert.deepEqual(onlyRoles, { violations: [] });
    const withAccount = await runResourcePolicy(
      humanRoleTrustRequiresMfa,
      resourceArgs(STACK_SET, 'audit-role', { templateBody: template, parameters: { TrustedPrincipalArns: `${roles}, arn:aws:iam::333333333333:root` } }),
    );
    assert.equal(withAccount.violations.length, 1);
    assert.match(withAccount.violations[0].message, /lets arn:aws:iam::333333333333:root assume/);
  });
});

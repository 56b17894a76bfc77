// The deployment's SCPs, as infra/guardrails.ts builds them, under the policy evaluator the audit
// uses (@cloud-copilot/iam-simulate): each denies what it claims and lets the carve-outs through;
// and the audit's own proof (assessGuardrails) calls them enforced.
import { strict as assert } from 'assert';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { assessGuardrails } from '../../auditor/analysis/guardrails';
import { parseExemptionsYaml } from '../../policy-pack/exemptions-format';
import {
  accessKeyCarveOuts, allGuardrailPolicies, consoleMfaPolicy, GuardrailError, guardrailPolicies, noAccessKeysPolicy, noRootUserPolicy,
  renderScp, SCP_MAX_CHARACTERS, type AccessKeyCarveOut, type GuardrailPolicy,
} from '../../infra/guardrails';

const MEMBER = '222222222222';
const OTHER = '333333333333';
const BEFORE = '2027-06-30T12:00:00Z';
const AFTER = '2027-07-01T00:00:01Z';

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

interface Request {
  principal: string;
  principalArn?: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
  at?: string;
}

/** Allowed or not, for an administrator under FullAWSAccess and this SCP at the root. */
async function allowed(policy: GuardrailPolicy, request: Request): Promise<boolean> {
  const at = request.at ?? BEFORE;
  const isRole = request.principal.includes(':assumed-role/');
  const result = await runSimulation({
    identityPolicies: [{ name: 'administrator', policy: ALLOW_ALL }],
    serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }, { name: policy.name, policy: JSON.parse(renderScp(policy.document)) as unknown }] }],
    resourceControlPolicies: [],
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: MEMBER },
      contextVariables: {
        'aws:PrincipalArn': request.principalArn ?? request.principal,
        'aws:PrincipalAccount': MEMBER,
        'aws:PrincipalType': isRole ? 'AssumedRole' : request.principal.endsWith(':root') ? 'Account' : 'User',
        'aws:CurrentTime': at,
        'aws:EpochTime': String(Math.floor(Date.parse(at) / 1000)),
        'aws:SecureTransport': 'true',
        'aws:RequestedRegion': 'us-east-1',
        ...request.context,
      },
    },
  }, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed';
}

const user = (name: string, account = MEMBER): string => `arn:aws:iam::${account}:user/${name}`;
const ROLE_SESSION = `arn:aws:sts::${MEMBER}:assumed-role/Deployer/session`;
const ROLE = `arn:aws:iam::${MEMBER}:role/Deployer`;
const ROOT = `arn:aws:iam::${MEMBER}:root`;
const NO_MFA = { 'aws:MultiFactorAuthPresent': 'false' };
const WITH_MFA = { 'aws:MultiFactorAuthPresent': 'true' };

const EXEMPTIONS = `exemptions:
  - account: "${MEMBER}"
    user: break-glass-*
    rule: "*"
    reason: Sealed break-glass key
    expires: 2027-06-30
  - account: "*"
    user: ci-deployer
    rule: access-key-very-old
    reason: Migrating to OIDC
    expires: 2027-09-30
  - account: "${MEMBER}"
    user: alice
    rule: console-user-without-mfa
    reason: Not an access-key rule
    expires: 2027-09-30
  - account: "${MEMBER}"
    user: root
    rule: "*"
    reason: Root has its own guardrail
    expires: 2027-09-30
`;
const NOW = Date.parse('2027-01-01T00:00:00Z');
const CARVE_OUTS = accessKeyCarveOuts(parseExemptionsYaml(EXEMPTIONS, 'exemptions.yaml'), NOW);

describe('the guardrail SCPs (infra/guardrails.ts) under the policy evaluator', () => {
  describe('no access keys', () => {
    const policy = noAccessKeysPolicy('aws', CARVE_OUTS);

    it('denies an IAM user access key, created by the user itself or by a role, and its reactivation', async () => {
      assert.equal(await allowed(policy, { principal: user('dave'), action: 'iam:CreateAccessKey', resource: user('dave') }), false);
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user('dave') }), false);
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:UpdateAccessKey', resource: user('dave') }), false);
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user('team/dave') }), false);
    });

    it("allows an exempted user's key before the entry's last day ends and denies it after", async () => {
      for (const name of ['break-glass-1', 'ops/break-glass-2']) {
        assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user(name) }), true, name);
        assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user(name), at: AFTER }), false, name);
      }
      assert.equal(await allowed(policy, { principal: user('break-glass-1'), action: 'iam:CreateAccessKey', resource: user('break-glass-1'), at: '2027-06-30T23:59:58Z' }), true);
    });

    it('carves out exactly the users in the accounts the entries name', async () => {
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user('break-glass-1', OTHER) }), false, 'another account');
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user('ci-deployer', OTHER), at: '2027-08-01T00:00:00Z' }), true, 'account "*"');
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'iam:CreateAccessKey', resource: user('alice') }), false, 'a console rule is no carve-out');
    });

    it('leaves deleting keys and everything else alone', async () => {
      assert.equal(await allowed(policy, { principal: user('dave'), action: 'iam:DeleteAccessKey', resource: user('dave') }), true);
      assert.equal(await allowed(policy, { principal: user('dave'), action: 's3:ListAllMyBuckets', resource: '*' }), true);
    });
  });

  describe('console MFA', () => {
    const policy = consoleMfaPolicy('aws');

    it('denies a user session without MFA everything but setting up its own MFA', async () => {
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'ec2:DescribeInstances', resource: '*', context: NO_MFA }), false);
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'iam:CreateAccessKey', resource: user('bob'), context: NO_MFA }), false);
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'iam:CreateVirtualMFADevice', resource: `arn:aws:iam::${MEMBER}:mfa/bob`, context: NO_MFA }), true);
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'iam:EnableMFADevice', resource: user('bob'), context: NO_MFA }), true);
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'iam:ChangePassword', resource: user('bob'), context: NO_MFA }), true);
    });

    it('allows the session with MFA, an access-key call (no MFA key at all) and a role session', async () => {
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'ec2:DescribeInstances', resource: '*', context: WITH_MFA }), true);
      assert.equal(await allowed(policy, { principal: user('bob'), action: 'ec2:DescribeInstances', resource: '*' }), true);
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 'ec2:DescribeInstances', resource: '*', context: NO_MFA }), true);
    });
  });

  describe('no root user', () => {
    const policy = noRootUserPolicy('aws');

    it("denies the member account's root user and no one else", async () => {
      assert.equal(await allowed(policy, { principal: ROOT, action: 's3:ListAllMyBuckets', resource: '*' }), false);
      assert.equal(await allowed(policy, { principal: ROOT, action: 'iam:CreateUser', resource: user('new-admin') }), false);
      assert.equal(await allowed(policy, { principal: user('bob'), action: 's3:ListAllMyBuckets', resource: '*' }), true);
      assert.equal(await allowed(policy, { principal: ROLE_SESSION, principalArn: ROLE, action: 's3:ListAllMyBuckets', resource: '*' }), true);
    });

    it('lets a centralized root session (sts:AssumeRoot, aws:AssumedRoot) do its task', async () => {
      assert.equal(await allowed(policy, { principal: ROOT, action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::locked-bucket', context: { 'aws:AssumedRoot': 'true' } }), true);
    });
  });

  it("is what the audit's own proof (assessGuardrails) calls enforced, with the carve-outs counted", async () => {
    const policies = allGuardrailPolicies(CARVE_OUTS, 'aws');
    const records = policies.map((policy, index) => ({ id: `p-${index}`, name: policy.name, awsManaged: false, document: renderScp(policy.document) }));
    const full = { id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true, document: JSON.stringify(ALLOW_ALL) };
    const at = (time: string) => assessGuardrails({
      accountId: MEMBER,
      partition: 'aws',
      isManagementAccount: false,
      users: [
        { userName: 'break-glass-1', arn: user('break-glass-1'), passwordEnabled: false },
        { userName: 'dave', arn: user('dave'), passwordEnabled: true },
      ],
      at: time,
    }, { status: 'read', levels: [{ targetId: 'r-root', type: 'ROOT', policyIds: [full.id, ...records.map((record) => record.id)], policies: [full, ...records] }] }, { status: 'read', features: [] });
    const before = await at(BEFORE);
    assert.equal(before.noAccessKeys.status, 'enforced');
    assert.deepEqual(before.noAccessKeys.exemptedUsers, ['break-glass-1']);
    assert.equal(before.consoleMfa.status, 'enforced');
    assert.equal(before.rootUser.status, 'enforced');
    assert.deepEqual((await at(AFTER)).noAccessKeys.exemptedUsers, []);
  });
});

describe('the access-key carve-outs (accessKeyCarveOuts)', () => {
  it('takes the access-key-* and "*" rules of users, not other rules nor the root user', () => {
    assert.deepEqual(CARVE_OUTS.map((entry) => [entry.account, entry.user, entry.expires]), [
      ['*', 'ci-deployer', '2027-09-30'],
      [MEMBER, 'break-glass-*', '2027-06-30'],
    ]);
  });

  it('refuses an expired entry of any rule, naming the file, the line and the day', () => {
    assert.throws(() => accessKeyCarveOuts(parseExemptionsYaml(EXEMPTIONS, 'exemptions.yaml'), Date.parse('2027-07-01T00:00:00Z')),
      (error: unknown) => error instanceof GuardrailError && /^exemptions\.yaml line 2: .*expired on 2027-06-30; renew/.test(error.message));
  });

  it('refuses a user glob an SCP cannot express', () => {
    const text = EXEMPTIONS.replace('break-glass-*', 'break-glass-[ab]');
    assert.throws(() => accessKeyCarveOuts(parseExemptionsYaml(text, 'exemptions.yaml'), NOW), /line 2: user "break-glass-\[ab\]" cannot be carved out .* \* and \? only/);
  });

  it('keeps the later day when one user of one account is named twice', () => {
    const twice = `${EXEMPTIONS}  - account: "${MEMBER}"\n    user: break-glass-*\n    rule: access-key-unused\n    reason: longer\n    expires: 2027-12-31\n`;
    const carveOuts = accessKeyCarveOuts(parseExemptionsYaml(twice, 'exemptions.yaml'), NOW);
    assert.equal(carveOuts.find((entry) => entry.user === 'break-glass-*')?.expires, '2027-12-31');
  });
});

describe('guardrailPolicies', () => {
  const off = { enforceNoAccessKeys: false, enforceConsoleMfa: false, enforceNoRootUser: false };

  it('builds only the enabled guardrails', () => {
    assert.deepEqual(guardrailPolicies(off, [], 'aws'), []);
    assert.deepEqual(guardrailPolicies({ ...off, enforceConsoleMfa: true }, [], 'aws').map((policy) => policy.name), ['iam-audit-console-mfa']);
    assert.deepEqual(allGuardrailPolicies([], 'aws-us-gov').map((policy) => policy.kind), ['no-access-keys', 'console-mfa', 'no-root-user']);
    assert.match(renderScp(consoleMfaPolicy('aws-us-gov').document), /arn:aws-us-gov:iam::\*:user\/\*/);
  });

  it('refuses an access-key SCP over 5,120 characters, naming the cause, rather than splitting it', () => {
    const many: AccessKeyCarveOut[] = Array.from({ length: 40 }, (_, index) => ({ account: MEMBER, user: `service-user-${index}`, expires: '2027-06-30', declaredAt: `line ${index}` }));
    assert.throws(() => guardrailPolicies({ ...off, enforceNoAccessKeys: true }, many, 'aws', 'exemptions.yaml'),
      (error: unknown) => error instanceof GuardrailError
        && new RegExp(`^the iam-audit-no-access-keys SCP would be \\d+ characters, more than the ${SCP_MAX_CHARACTERS} .*: 40 carve-outs for access keys in exemptions\\.yaml; cover several users with one glob`).test(error.message));
    assert.doesNotThrow(() => guardrailPolicies({ ...off, enforceNoAccessKeys: true }, many.slice(0, 10), 'aws'));
  });
});

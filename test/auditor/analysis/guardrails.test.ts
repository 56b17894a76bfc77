import { strict as assert } from 'assert';
import { guardrailEvidence, guardrailText } from '../../../auditor/analysis/guardrail-verdicts';
import { assessGuardrails, centralizedRootOf, type GuardrailSubject, type OrganizationFeatures, type PoliciesInEffect } from '../../../auditor/analysis/guardrails';
import { consoleMfaScp, FULL_AWS_ACCESS, level, noAccessKeysScp, noRootUserScp } from '../../support/guardrail-policies';

const MEMBER = '222222222222';
const CENTRALIZED: OrganizationFeatures = { status: 'read', features: ['RootCredentialsManagement', 'RootSessions'] };

function subject(overrides: Partial<GuardrailSubject> = {}): GuardrailSubject {
  return {
    accountId: MEMBER,
    partition: 'aws',
    isManagementAccount: false,
    users: [
      { userName: 'alice', arn: `arn:aws:iam::${MEMBER}:user/alice`, passwordEnabled: false },
      { userName: 'bob', arn: `arn:aws:iam::${MEMBER}:user/ops/bob`, passwordEnabled: true },
    ],
    at: '2024-06-30T12:00:00.000Z',
    ...overrides,
  };
}

function inEffect(...levels: ReturnType<typeof level>[]): PoliciesInEffect {
  return { status: 'read', levels };
}

const ALL_THREE = inEffect(
  level('r-root', 'ROOT', [FULL_AWS_ACCESS, noRootUserScp('p-noroot')]),
  level('ou-prod', 'ORGANIZATIONAL_UNIT', [FULL_AWS_ACCESS, noAccessKeysScp('p-nokeys')]),
  level(MEMBER, 'ACCOUNT', [FULL_AWS_ACCESS, consoleMfaScp('p-mfa')]),
);

describe('assessGuardrails (SCPs in effect, under the policy evaluator)', () => {
  it('proves each guardrail from the level that holds it and names the denying policy', async () => {
    const guardrails = await assessGuardrails(subject(), ALL_THREE, CENTRALIZED);
    assert.equal(guardrailText(guardrails.noAccessKeys), 'enforced');
    assert.deepEqual(guardrails.noAccessKeys.policyIds, ['p-nokeys']);
    assert.equal(guardrailText(guardrails.consoleMfa), 'enforced');
    assert.deepEqual(guardrails.consoleMfa.policyIds, ['p-mfa']);
    assert.equal(guardrailText(guardrails.rootUser), 'enforced');
    assert.deepEqual(guardrails.rootUser.policyIds, ['p-noroot']);
    assert.equal(guardrails.centralizedRoot.status, 'enabled');
    assert.deepEqual(guardrails.levels?.map((entry) => entry.targetId), ['r-root', 'ou-prod', MEMBER]);
    const evidence = guardrailEvidence(guardrails);
    assert.match(evidence, /access keys: iam:CreateAccessKey denied for users by p-nokeys/);
    assert.match(evidence, /SCPs in effect: r-root \[p-FullAWSAccess, p-noroot\] > ou-prod \[p-FullAWSAccess, p-nokeys\] > 222222222222 \[p-FullAWSAccess, p-mfa\]/);
  });

  it('says not enforced where only FullAWSAccess is in effect', async () => {
    const guardrails = await assessGuardrails(subject(), inEffect(level('r-root', 'ROOT', [FULL_AWS_ACCESS]), level(MEMBER, 'ACCOUNT', [FULL_AWS_ACCESS])), CENTRALIZED);
    assert.deepEqual([guardrails.noAccessKeys, guardrails.consoleMfa, guardrails.rootUser].map(guardrailText), ['not enforced', 'not enforced', 'not enforced']);
    assert.deepEqual(guardrails.noAccessKeys.policyIds, []);
  });

  it('counts the users an access-key carve-out lets through until its expiry, and none after it', async () => {
    const scps = inEffect(level('r-root', 'ROOT', [FULL_AWS_ACCESS, noAccessKeysScp('p-nokeys', [{ accountId: MEMBER, userName: 'alice', expires: '2024-07-31' }])]), level(MEMBER, 'ACCOUNT', [FULL_AWS_ACCESS]));
    const before = await assessGuardrails(subject(), scps, CENTRALIZED);
    assert.equal(guardrailText(before.noAccessKeys), 'enforced except 1 exempted');
    assert.deepEqual(before.noAccessKeys.exemptedUsers, ['alice']);
    assert.match(guardrailEvidence(before), /exempted: alice/);
    const after = await assessGuardrails(subject({ at: '2024-08-01T00:00:00.000Z' }), scps, CENTRALIZED);
    assert.equal(guardrailText(after.noAccessKeys), 'enforced');
  });

  it('asks each user where an SCP names users by a pattern', async () => {
    const pattern = { id: 'p-breakglass', name: 'keys-but-break-glass', awsManaged: false, document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateAccessKey', NotResource: 'arn:aws:iam::*:user/break-*' }] }) };
    const users = [...subject().users, { userName: 'break-glass', arn: `arn:aws:iam::${MEMBER}:user/break-glass`, passwordEnabled: false }];
    const guardrails = await assessGuardrails(subject({ users }), inEffect(level('r-root', 'ROOT', [FULL_AWS_ACCESS, pattern])), CENTRALIZED);
    assert.equal(guardrailText(guardrails.noAccessKeys), 'enforced except 1 exempted');
    assert.deepEqual(guardrails.noAccessKeys.exemptedUsers, ['break-glass']);
  });

  it('counts console users a console-MFA carve-out lets through, and ignores users without a password', async () => {
    const scps = inEffect(level('r-root', 'ROOT', [FULL_AWS_ACCESS, consoleMfaScp('p-mfa', [`arn:aws:iam::${MEMBER}:user/ops/bob`, `arn:aws:iam::${MEMBER}:user/alice`])]));
    const guardrails = await assessGuardrails(subject(), scps, CENTRALIZED);
    assert.equal(guardrailText(guardrails.consoleMfa), 'enforced except 1 exempted');
    assert.deepEqual(guardrails.consoleMfa.exemptedUsers, ['bob']);
  });

  it('treats a level that allows nothing as a denial from that level', async () => {
    const guardrails = await assessGuardrails(subject(), inEffect(level('r-root', 'ROOT', [FULL_AWS_ACCESS]), level('ou-sandbox', 'ORGANIZATIONAL_UNIT', [])), CENTRALIZED);
    assert.equal(guardrails.rootUser.status, 'enforced');
    assert.deepEqual(guardrails.rootUser.policyIds, ['ou-sandbox allows nothing']);
  });

  it('never claims anything for the management account', async () => {
    const guardrails = await assessGuardrails(subject({ isManagementAccount: true }), ALL_THREE, CENTRALIZED);
    for (const verdict of [guardrails.noAccessKeys, guardrails.consoleMfa, guardrails.rootUser]) {
      assert.equal(guardrailText(verdict), 'not applicable');
      assert.match(verdict.detail, /management account is never covered by SCPs/);
    }
    assert.equal(guardrails.centralizedRoot.status, 'not-applicable');
  });

  it('reports SCPs turned off as not enforced, unreadable ones and a broken document as unknown', async () => {
    const off = await assessGuardrails(subject(), { status: 'disabled', detail: 'SCPs are not enabled in the organization' }, CENTRALIZED);
    assert.equal(guardrailText(off.consoleMfa), 'not enforced');
    assert.equal(off.levels, null);
    const denied = await assessGuardrails(subject(), { status: 'unreadable', detail: 'ListParents: AccessDeniedException' }, { status: 'unreadable', detail: 'ListOrganizationsFeatures: AccessDenied' });
    assert.equal(guardrailText(denied.noAccessKeys), 'unknown');
    assert.match(guardrailEvidence(denied), /ListParents: AccessDeniedException/);
    assert.equal(denied.centralizedRoot.status, 'unknown');
    const broken = await assessGuardrails(subject(), inEffect(level('r-root', 'ROOT', [FULL_AWS_ACCESS, { id: 'p-broken', name: 'broken', awsManaged: false, document: '{"Statement": [' }])), CENTRALIZED);
    assert.equal(broken.rootUser.status, 'unknown');
    assert.match(broken.rootUser.detail, /p-broken is not JSON/);
  });
});

describe('centralizedRootOf', () => {
  it('tells enabled, partly enabled and not enabled apart', () => {
    assert.equal(centralizedRootOf(CENTRALIZED, false).status, 'enabled');
    const partly = centralizedRootOf({ status: 'read', features: ['RootCredentialsManagement'] }, false);
    assert.equal(partly.status, 'partly-enabled');
    assert.match(partly.detail, /only RootCredentialsManagement/);
    assert.equal(centralizedRootOf({ status: 'read', features: [] }, false).status, 'not-enabled');
  });
});

import { strict as assert } from 'assert';
import { evaluateFindings, type Finding } from '../../../auditor/analysis/findings';
import { runAudit } from '../../../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedPolicyDocument } from '../../../simulator/simulated-aws';

// The rules on the inventory of principals and policies, against the simulated organization:
// quarantined keys, policies on users, password policies, unused roles and outside trust.

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const SANDBOX = '333333333333';
const VENDOR = '999999999999';
const NOW = new Date('2024-06-01T00:00:00Z');

const trust = (principal: unknown, condition?: Record<string, unknown>): SimulatedPolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});

async function audit() {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit' })
    .addAccount({ id: MANAGEMENT, name: 'management', passwordPolicy: { MinimumPasswordLength: 14, PasswordReusePrevention: 24 } })
    .addAccount({
      id: PROD,
      name: 'prod',
      users: [
        { name: 'leaked', accessKeys: [{ id: 'AKIALEAKED0000000001', created: '2024-05-01T00:00:00Z' }], attachedPolicies: ['arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2'], groups: ['readers'] },
        { name: 'direct', attachedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] },
        { name: 'inline', inlinePolicies: [{ name: 'own', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] } }] },
        { name: 'grouped', groups: ['readers'] },
        { name: 'group-admin', groups: ['admins'] },
        { name: 'customer-admin', attachedPolicies: [`arn:aws:iam::${PROD}:policy/everything`] },
        { name: 'conditional-admin', attachedPolicies: [`arn:aws:iam::${PROD}:policy/everything-from-office`] },
      ],
      groups: [{ name: 'readers', attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }, { name: 'admins', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
      policies: [
        { name: 'everything', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*:*', Resource: ['*'] }] } },
        { name: 'everything-from-office', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }] } },
      ],
      roles: [
        { name: 'vendor', trust: trust({ AWS: `arn:aws:iam::${VENDOR}:root` }), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'vendor-external-id', trust: trust({ AWS: VENDOR }, { StringEquals: { 'sts:ExternalId': 'secret' } }), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'anyone', trust: trust('*'), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'anyone-in-org', trust: trust({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-example' } }), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'from-sandbox', trust: trust({ AWS: `arn:aws:iam::${SANDBOX}:role/ci` }), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'ec2', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], trust: trust({ Service: 'ec2.amazonaws.com' }), created: '2024-01-01T00:00:00Z', lastUsed: '2024-01-02T00:00:00Z' },
        { name: 'never', trust: trust({ Service: 'lambda.amazonaws.com' }), created: '2023-01-01T00:00:00Z' },
        { name: 'new', trust: trust({ Service: 'lambda.amazonaws.com' }), created: '2024-05-25T00:00:00Z' },
        { name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', trust: trust({ Service: 'support.amazonaws.com' }), created: '2020-01-01T00:00:00Z' },
      ],
      passwordPolicy: { MinimumPasswordLength: 8, PasswordReusePrevention: 24 },
    })
    .addAccount({ id: SANDBOX, name: 'sandbox', passwordPolicy: null });
  const run = await runAudit({ roleName: 'Audit', concurrency: 2, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 }, runTime: NOW }, simulatedClientFactory(org));
  return evaluateFindings(run);
}

function of(findings: Finding[], ruleId: string): [string, string, string][] {
  return findings.filter((finding) => finding.ruleId === ruleId).map((finding): [string, string, string] => [finding.accountId, finding.resource, finding.severity]).sort();
}

describe('inventory rules (simulated organization)', () => {
  let findings: Finding[];
  before(async () => {
    findings = await audit();
  });

  it('calls a user with an AWS compromised-key quarantine policy critical, naming its active key', () => {
    assert.deepEqual(of(findings, 'access-key-quarantined'), [[PROD, 'leaked', 'critical']]);
    assert.match(findings.find((finding) => finding.ruleId === 'access-key-quarantined')?.evidence ?? '', /AWSCompromisedKeyQuarantineV2 attached.*AKIALEAKED0000000001/);
  });

  it('flags managed and inline policies on users, not those through groups nor the quarantine policy', () => {
    assert.deepEqual(of(findings, 'user-policy-attached-directly'), [[PROD, 'conditional-admin', 'low'], [PROD, 'customer-admin', 'low'], [PROD, 'direct', 'low'], [PROD, 'inline', 'low']]);
    const direct = findings.find((finding) => finding.ruleId === 'user-policy-attached-directly');
    assert.deepEqual(direct?.controls.securityHub, ['IAM.2']);
  });

  it('calls a missing and a short password policy weak, and a policy of 14 and 24 not', () => {
    assert.deepEqual(of(findings, 'password-policy-weak'), [[PROD, PROD, 'medium'], [SANDBOX, SANDBOX, 'medium']]);
    const evidence = new Map(findings.filter((finding) => finding.ruleId === 'password-policy-weak').map((finding) => [finding.accountId, finding.evidence]));
    assert.match(evidence.get(PROD) ?? '', /minimum length 8 \(at least 14\)/);
    assert.doesNotMatch(evidence.get(PROD) ?? '', /reuse/);
    assert.match(evidence.get(SANDBOX) ?? '', /no password policy/);
  });

  it('flags roles unused for --unused-days or never used and older than that, but not service-linked ones', () => {
    assert.deepEqual(of(findings, 'role-unused'), [[PROD, 'ec2', 'low'], [PROD, 'never', 'low']]);
  });

  it('flags roles trusted from outside the organization: * critical, narrowed * or an outside account high, with an external id medium; organization accounts not', () => {
    // A `*` narrowed by aws:PrincipalOrgID is high, not cleared: the organization id in it is not checked.
    assert.deepEqual(of(findings, 'role-trusts-outside-organization'), [[PROD, 'anyone', 'critical'], [PROD, 'anyone-in-org', 'high'], [PROD, 'vendor', 'high'], [PROD, 'vendor-external-id', 'medium']]);
    assert.match(findings.find((finding) => finding.resource === 'anyone-in-org')?.evidence ?? '', /\* \(aws:PrincipalOrgID\)/);
    const external = findings.find((finding) => finding.resource === 'vendor-external-id');
    assert.match(external?.evidence ?? '', /999999999999 \(sts:ExternalId\)/);
    assert.equal(findings.find((finding) => finding.resource === 'anyone')?.resourceType, 'iam-role');
  });

  it('flags a *:* policy attached to a user, through a group, or to a role, not one narrowed by a condition', () => {
    assert.deepEqual(of(findings, 'admin-policy-attached'), [[PROD, 'customer-admin', 'high'], [PROD, 'ec2', 'high'], [PROD, 'group-admin', 'high']]);
    const group = findings.find((finding) => finding.ruleId === 'admin-policy-attached' && finding.resource === 'group-admin');
    assert.match(group?.evidence ?? '', /AdministratorAccess \(group admins\)/);
    assert.deepEqual(group?.controls.securityHub, ['IAM.1']);
  });
});

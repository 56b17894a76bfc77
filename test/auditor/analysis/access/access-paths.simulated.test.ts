import { strict as assert } from 'assert';
import { assessAccess } from '../../../../auditor/analysis/access/assess-access';
import { evaluateFindings, type Finding } from '../../../../auditor/analysis/findings';
import type { AuditRun } from '../../../../auditor/model';
import { accessRows } from '../../../../auditor/reports/access-report';
import { runAudit } from '../../../../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedPolicyDocument } from '../../../../simulator/simulated-aws';

// Access paths across the organization, from the inventories: a plain user of one account through
// a role of a second account to an admin role of a third, and paths cut by a trust policy or by
// the caller's own policy.

const MANAGEMENT = '111111111111';
const DEV = '222222222222';
const SHARED = '333333333333';
const PROD = '444444444444';
const VENDOR = '999999999999';
const ORG = 'o-paths0example';
const NOW = new Date('2024-06-01T00:00:00Z');

const doc = (...Statement: object[]): SimulatedPolicyDocument => ({ Version: '2012-10-17', Statement });
const trust = (principal: unknown, condition?: Record<string, unknown>): SimulatedPolicyDocument =>
  doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });
const assume = (...roles: string[]) => [{ name: 'assume', document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roles }) }];
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

async function audit(): Promise<AuditRun> {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, organizationId: ORG, auditRoleName: 'Audit' })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount({
      id: DEV,
      name: 'dev',
      users: [
        // Plain: may only assume the hop role.
        { name: 'dana', inlinePolicies: assume(roleArn(SHARED, 'hop'), roleArn(SHARED, 'closed')) },
        // Its own policy does not allow sts:AssumeRole on the hop.
        { name: 'eve', inlinePolicies: [{ name: 'read', document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) }] },
      ],
    })
    .addAccount({
      id: SHARED,
      name: 'shared',
      roles: [
        { name: 'hop', trust: trust({ AWS: `arn:aws:iam::${DEV}:root` }), inlinePolicies: assume(roleArn(PROD, 'admin')), lastUsed: '2024-05-30T00:00:00Z' },
        // Trusts another user only: dana's policy allows it, the trust does not.
        { name: 'closed', trust: trust({ AWS: `arn:aws:iam::${DEV}:user/someone-else` }), attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], lastUsed: '2024-05-30T00:00:00Z' },
      ],
    })
    .addAccount({
      id: PROD,
      name: 'prod',
      roles: [
        { name: 'admin', trust: trust({ AWS: roleArn(SHARED, 'hop') }), attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'org-wide', trust: trust('*', { StringEquals: { 'aws:PrincipalOrgID': ORG } }), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'other-org', trust: trust('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-someoneelse' } }), lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'vendor', trust: trust({ AWS: VENDOR }, { StringEquals: { 'sts:ExternalId': 'secret' } }), lastUsed: '2024-05-30T00:00:00Z' },
      ],
    });
  const run = await runAudit({ roleName: 'Audit', concurrency: 2, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 }, runTime: NOW }, simulatedClientFactory(org));
  return assessAccess(run);
}

describe('access paths across the organization (simulated organization)', function () {
  this.timeout(60000);
  let run: AuditRun;
  let findings: Finding[];
  before(async () => {
    run = await audit();
    findings = evaluateFindings(run);
  });

  it('records the organization id DescribeOrganization gives', () => {
    assert.equal(run.organizationId, ORG);
  });

  it('follows a plain user through a role of a second account to an admin role of a third: a row in each', () => {
    const rows = [...accessRows(run)].filter((row) => row[4] === `arn:aws:iam::${DEV}:user/dana`);
    assert.deepEqual(rows.map((row) => [row[0], row[5], row[6]]), [
      [DEV, 'write', 'assume (inline): sts:AssumeRole allowed'],
      [SHARED, 'write', `assumes ${roleArn(SHARED, 'hop')}`],
      [PROD, 'admin', `assumes ${roleArn(SHARED, 'hop')}, then ${roleArn(PROD, 'admin')}`],
      // As admin of prod it may assume what trusts the organization.
      [PROD, 'none', `assumes ${roleArn(SHARED, 'hop')}, then ${roleArn(PROD, 'admin')}, then ${roleArn(PROD, 'org-wide')}`],
    ]);
  });

  it('gives one cross-account-admin-path finding for the admin role, naming both principals that reach it', () => {
    const paths = findings.filter((finding) => finding.ruleId === 'cross-account-admin-path');
    assert.deepEqual(paths.map((finding) => [finding.accountId, finding.resource, finding.severity]), [[PROD, 'admin', 'high']]);
    assert.match(paths[0].evidence, /by 2 principals: .*user\/dana \(assumes arn:aws:iam::333333333333:role\/hop, then it\)/);
    assert.match(paths[0].evidence, /role\/hop \(assumes it\)/);
  });

  it('no path where the trust policy or the caller\'s own policy cuts it', () => {
    const arns = new Set((run.accessPaths ?? []).flatMap((path) => path.roles));
    assert.ok(!arns.has(roleArn(SHARED, 'closed')), 'the trust policy of closed admits another user only');
    assert.ok(!(run.accessPaths ?? []).some((path) => path.fromPrincipalName === 'eve'), 'eve may not call sts:AssumeRole');
  });

  it('a * narrowed by aws:PrincipalOrgID to this organization is not outside; another organization\'s id is', () => {
    const outside = findings.filter((finding) => finding.ruleId === 'role-trusts-outside-organization').map((finding) => [finding.resource, finding.severity]).sort();
    assert.deepEqual(outside, [['other-org', 'high'], ['vendor', 'medium']]);
    const row = [...accessRows(run)].find((cells) => cells[3] === 'vendor');
    assert.equal(row?.[10], `${VENDOR} (sts:ExternalId)`);
    assert.equal([...accessRows(run)].find((cells) => cells[3] === 'org-wide')?.[10], '');
  });
});

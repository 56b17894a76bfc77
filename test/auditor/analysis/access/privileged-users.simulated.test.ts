import { strict as assert } from 'assert';
import { assessAccess } from '../../../../auditor/analysis/access/assess-access';
import { evaluateFindings, type Finding } from '../../../../auditor/analysis/findings';
import type { AuditRun } from '../../../../auditor/model';
import { runAudit } from '../../../../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory } from '../../../../simulator/simulated-aws';

// Privilege against the simulated organization: users admin through a group, an inline policy and
// iam:AttachUserPolicy alone, *:* cut by a boundary, and the findings that weigh it.

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const NOW = new Date('2024-06-01T00:00:00Z');
const OLD = '2023-01-01T00:00:00Z';
const RECENT = '2024-05-01T00:00:00Z';
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

async function audit(): Promise<AuditRun> {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit' })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount({
      id: PROD,
      name: 'prod',
      users: [
        { name: 'group-admin', groups: ['admins'], accessKeys: [{ id: 'AKIAGROUPADMIN000001', created: OLD }] },
        { name: 'inline-admin', inlinePolicies: [{ name: 'all', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], accessKeys: [{ id: 'AKIAINLINEADMIN00001', created: RECENT }] },
        { name: 'attacher', inlinePolicies: [{ name: 'attach', document: doc({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*' }) }], accessKeys: [{ id: 'AKIAATTACHER00000001', created: RECENT }] },
        { name: 'bounded', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], permissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', accessKeys: [{ id: 'AKIABOUNDED000000001', created: OLD }] },
        { name: 'reader', groups: ['readers'], accessKeys: [{ id: 'AKIAREADER0000000001', created: OLD }] },
        { name: 'console-admin', groups: ['admins'], password: { created: OLD, lastUsed: OLD } },
        { name: 'console-reader', groups: ['readers'], password: { created: OLD, lastUsed: OLD } },
      ],
      groups: [{ name: 'admins', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, { name: 'readers', attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
    });
  const run = await runAudit({ roleName: 'Audit', concurrency: 2, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 }, runTime: NOW }, simulatedClientFactory(org));
  return assessAccess(run);
}

describe('privilege of users (simulated organization)', function () {
  this.timeout(60000);
  let run: AuditRun;
  let findings: Finding[];
  before(async () => {
    run = await audit();
    findings = evaluateFindings(run);
  });

  it('decides every user\'s privilege from its policies, groups and boundary', () => {
    const prod = run.accounts.find((account) => account.account.id === PROD);
    const levels = Object.fromEntries((prod?.access?.principals ?? []).filter((principal) => principal.principalType === 'user').map((principal) => [principal.name, principal.privilege]));
    assert.deepEqual(levels, {
      'group-admin': 'admin',
      'inline-admin': 'admin',
      attacher: 'admin',
      bounded: 'read-only',
      reader: 'read-only',
      'console-admin': 'admin',
      'console-reader': 'read-only',
    });
    const attacher = prod?.access?.principals.find((principal) => principal.name === 'attacher');
    assert.equal(attacher?.reason, 'can change permissions: iam:AttachUserPolicy');
    assert.deepEqual(attacher?.grantedBy, ['attach (inline)']);
  });

  it('flags an active key of an admin user: critical when older than the critical age, else high; not a reader\'s, nor a bounded one\'s', () => {
    const flagged = findings.filter((finding) => finding.ruleId === 'privileged-user-access-key').map((finding) => [finding.resource, finding.severity]).sort();
    assert.deepEqual(flagged, [['attacher/AKIAATTACHER00000001', 'high'], ['group-admin/AKIAGROUPADMIN000001', 'critical'], ['inline-admin/AKIAINLINEADMIN00001', 'high']]);
    const group = findings.find((finding) => finding.resource === 'group-admin/AKIAGROUPADMIN000001' && finding.ruleId === 'privileged-user-access-key');
    assert.match(group?.evidence ?? '', /^user is admin \(every action on every resource \(\*:\*\); granted by AdministratorAccess \(group admins\)\); active key created 2023-01-01/);
    assert.deepEqual(group?.controls.cisV7, ['2.12', '2.14']);
  });

  it('calls a privileged console user without MFA critical whatever its last sign-in; a reader stays high', () => {
    const severity = (user: string) => findings.find((finding) => finding.ruleId === 'console-user-without-mfa' && finding.resource === user)?.severity;
    assert.equal(severity('console-admin'), 'critical');
    assert.equal(severity('console-reader'), 'high');
  });

  it('a run without the assessment (a report of an older kit) gives no privilege finding', async () => {
    const bare: AuditRun = { ...run, accounts: run.accounts.map(({ access: _access, ...account }) => account) };
    assert.equal(evaluateFindings(bare).filter((finding) => finding.ruleId === 'privileged-user-access-key').length, 0);
  });
});

import { strict as assert } from 'assert';
import { assessAccess } from '../../../../auditor/analysis/access/assess-access';
import { evaluateFindings, type Finding } from '../../../../auditor/analysis/findings';
import { assessMaturity } from '../../../../auditor/analysis/maturity';
import { accountRiskScore, findingPrincipal, PRIVILEGED_PRINCIPAL_FACTOR, SEVERITY_WEIGHTS } from '../../../../auditor/analysis/risk-score';
import { DEFAULT_THRESHOLDS } from '../../../../auditor/analysis/findings';
import type { AuditRun } from '../../../../auditor/model';
import { renderDashboard } from '../../../../auditor/reports/dashboard/dashboard';
import { buildDashboardData, type DashboardData } from '../../../../auditor/reports/dashboard/dashboard-data';
import { runAudit } from '../../../../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedPolicyDocument } from '../../../../simulator/simulated-aws';

// The dashboard weighs privilege: an old key of an admin ranks its account above the same old key
// of a reader, and the access panel shows who can do what, from the simulated organization.

const MANAGEMENT = '111111111111';
const ADMINS = '222222222222';
const READERS = '333333333333';
const DEV = '444444444444';
const VENDOR = '999999999999';
const NOW = new Date('2024-06-01T00:00:00Z');
const OLD = '2022-01-01T00:00:00Z';
const LAST_WEEK = { date: '2024-05-25T00:00:00Z', service: 's3', region: 'us-east-1' };
const STRONG_PASSWORDS = { MinimumPasswordLength: 14, PasswordReusePrevention: 24 };

const doc = (...Statement: object[]): SimulatedPolicyDocument => ({ Version: '2012-10-17', Statement });
const assume = (role: string) => ({ name: 'assume', document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role }) });
const trust = (principal: unknown, condition?: Record<string, unknown>): SimulatedPolicyDocument =>
  doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });

async function audit(): Promise<AuditRun> {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit' })
    .addAccount({ id: MANAGEMENT, name: 'management', passwordPolicy: STRONG_PASSWORDS, root: { mfa: 'hardware' } })
    .addAccount({
      id: ADMINS,
      name: 'admins',
      passwordPolicy: STRONG_PASSWORDS,
      root: { mfa: 'hardware' },
      users: [{ name: 'ops', groups: ['admins'], accessKeys: [{ id: 'AKIAADMINOLD00000001', created: OLD, lastUsed: LAST_WEEK }] }],
      groups: [{ name: 'admins', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
      roles: [
        { name: 'vendor-admin', trust: trust({ AWS: VENDOR }, { StringEquals: { 'sts:ExternalId': 'shared-secret' } }), attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'break-in', trust: trust({ AWS: [`arn:aws:iam::${DEV}:root`, `arn:aws:iam::${READERS}:role/hop`] }), attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], lastUsed: '2024-05-30T00:00:00Z' },
      ],
    })
    .addAccount({
      id: READERS,
      name: 'readers',
      passwordPolicy: STRONG_PASSWORDS,
      root: { mfa: 'hardware' },
      users: [{ name: 'analyst', groups: ['readers'], accessKeys: [{ id: 'AKIAREADEROLD0000001', created: OLD, lastUsed: LAST_WEEK }] }],
      groups: [{ name: 'readers', attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }],
      roles: [
        { name: 'public-reader', trust: trust('*'), attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], lastUsed: '2024-05-30T00:00:00Z' },
        { name: 'hop', trust: trust({ AWS: `arn:aws:iam::${DEV}:user/hal` }), inlinePolicies: [assume(`arn:aws:iam::${ADMINS}:role/break-in`)], lastUsed: '2024-05-30T00:00:00Z' },
      ],
    })
    .addAccount({
      id: DEV,
      name: 'dev',
      passwordPolicy: STRONG_PASSWORDS,
      root: { mfa: 'hardware' },
      users: [
        {
          name: 'dana',
          password: { created: OLD, lastUsed: '2024-05-30T00:00:00Z' },
          mfa: [{ type: 'security-key' }],
          inlinePolicies: [assume(`arn:aws:iam::${ADMINS}:role/break-in`)],
        },
        // Reaches break-in only through the hop role of readers.
        { name: 'hal', inlinePolicies: [assume(`arn:aws:iam::${READERS}:role/hop`)] },
      ],
    });
  const run = await runAudit({ roleName: 'Audit', concurrency: 2, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 }, runTime: NOW }, simulatedClientFactory(org));
  return assessAccess(run);
}

describe('dashboard: privilege weighs on the risk score and the access panel (simulated organization)', function () {
  this.timeout(60000);
  let run: AuditRun;
  let findings: Finding[];
  let data: DashboardData;
  let page: string;
  before(async () => {
    run = await audit();
    findings = evaluateFindings(run);
    const input = { run, findings, maturity: assessMaturity(run), thresholds: DEFAULT_THRESHOLDS };
    data = buildDashboardData(input);
    page = renderDashboard(input);
  });

  const of = (accountId: string) => findings.filter((finding) => finding.accountId === accountId);

  it('ranks the account with an old key of an admin above the one with the same old key of a reader', () => {
    // The same key on both sides: created in 2022, used last week.
    const keyRules = (accountId: string) => of(accountId).filter((finding) => finding.resourceType === 'access-key').map((finding) => finding.ruleId).sort();
    assert.deepEqual(keyRules(READERS), ['access-key-very-old']);
    assert.deepEqual(keyRules(ADMINS), ['access-key-very-old', 'privileged-user-access-key']);
    const score = (accountId: string) => data.accounts.find((account) => account.accountId === accountId)?.riskScore;
    // The reader's key: high; the public role (critical) is read-only, so not doubled.
    assert.equal(score(READERS), SEVERITY_WEIGHTS.high + SEVERITY_WEIGHTS.critical);
    // Every finding of the admins account is about an admin principal: each counts twice.
    const admins = of(ADMINS);
    assert.ok(admins.every((finding) => findingPrincipal(finding) !== null), admins.map((finding) => finding.ruleId).join());
    assert.equal(score(ADMINS), PRIVILEGED_PRINCIPAL_FACTOR * admins.reduce((sum, finding) => sum + SEVERITY_WEIGHTS[finding.severity], 0));
    const order = data.accounts.map((account) => account.accountId);
    assert.ok(order.indexOf(ADMINS) < order.indexOf(READERS), order.join());
  });

  it('weighs a finding by severity alone without a privilege assessment, or when it is about the account', () => {
    const admins = of(ADMINS);
    const severityOnly = admins.reduce((sum, finding) => sum + SEVERITY_WEIGHTS[finding.severity], 0);
    assert.equal(accountRiskScore(admins, undefined), severityOnly);
    const accountFinding: Pick<Finding, 'severity' | 'resourceType' | 'resource'> = { severity: 'medium', resourceType: 'account', resource: ADMINS };
    const access = run.accounts.find((account) => account.account.id === ADMINS)?.access;
    assert.equal(accountRiskScore([accountFinding], access), SEVERITY_WEIGHTS.medium);
    assert.deepEqual(findingPrincipal({ resourceType: 'access-key', resource: 'ops/AKIAADMINOLD00000001' }), { principalType: 'user', name: 'ops' });
  });

  it('counts users and roles by privilege per account, with privileged keys, outside trusts and admin paths', () => {
    const row = (accountId: string) => data.access.accounts.find((account) => account.accountId === accountId);
    assert.equal(data.access.accountsAssessed, 4);
    assert.deepEqual(row(ADMINS), {
      accountId: ADMINS,
      accountName: 'admins',
      levels: { admin: 3, 'can-escalate': 0, write: 0, 'read-only': 0, none: 0 },
      privilegedUsersWithKeys: 1,
      privilegedConsoleUsersWithoutMfa: 0,
      rolesTrustedFromOutside: 1,
      // dana directly, the hop role of readers, and hal through it.
      adminPathsIn: 3,
    });
    // The hop role may only assume a role (sts:AssumeRole is a write action).
    assert.deepEqual(row(READERS)?.levels, { admin: 0, 'can-escalate': 0, write: 1, 'read-only': 2, none: 0 });
    assert.equal(row(READERS)?.privilegedUsersWithKeys, 0);
    assert.equal(row(READERS)?.rolesTrustedFromOutside, 1);
    assert.equal(data.access.accounts[0].accountId, ADMINS, 'the account with a privileged key comes first');
    assert.deepEqual(data.access.byLevel.admin, { users: 1, roles: 2 });
  });

  it('lists the roles trusted from outside, the most privileged first, and the admin paths across accounts', () => {
    assert.deepEqual(data.access.outsideTrusts, [
      { accountId: ADMINS, accountName: 'admins', roleName: 'vendor-admin', privilege: 'admin', trustedBy: `${VENDOR} (sts:ExternalId)` },
      { accountId: READERS, accountName: 'readers', roleName: 'public-reader', privilege: 'read-only', trustedBy: '*' },
    ]);
    assert.deepEqual(data.access.adminRoles, [
      { accountId: ADMINS, accountName: 'admins', roleArn: `arn:aws:iam::${ADMINS}:role/break-in`, reachedBy: [
        `arn:aws:iam::${READERS}:role/hop`,
        `arn:aws:iam::${DEV}:user/dana`,
        `arn:aws:iam::${DEV}:user/hal (assumes arn:aws:iam::${READERS}:role/hop first)`,
      ] },
    ]);
    assert.equal(data.access.adminRolesTotal, 1);
  });

  it('renders the access panel with those figures and says how the score weighs privilege', () => {
    const panel = page.slice(page.indexOf('<section id="access"'), page.indexOf('</section>', page.indexOf('<section id="access"')));
    const accountRow = panel.slice(panel.indexOf(`<tr data-account="${ADMINS}">`), panel.indexOf('</tr>', panel.indexOf(`<tr data-account="${ADMINS}">`)));
    assert.match(accountRow, /<td class="num" data-privilege="admin">3<\/td>/);
    assert.match(accountRow, /<td class="num level-Not-Started" data-column="privileged-keys">1<\/td>/);
    assert.match(accountRow, /<td class="num level-Not-Started" data-column="admin-paths-in">3<\/td>/);
    assert.match(panel, /<tr data-account="222222222222" data-role="vendor-admin">.*<td>admin<\/td><td class="long">999999999999 \(sts:ExternalId\)<\/td>/);
    assert.match(panel, /<td class="long">arn:aws:iam::222222222222:role\/break-in<\/td><td class="long"><strong>3 principals<\/strong><span class="sub">arn:aws:iam::333333333333:role\/hop<\/span><span class="sub">arn:aws:iam::444444444444:user\/dana<\/span><span class="sub">arn:aws:iam::444444444444:user\/hal \(assumes arn:aws:iam::333333333333:role\/hop first\)<\/span><\/td>/);
    assert.match(page, /Score: critical 10, high 5, medium 2, low 1 per finding, 2 times that for a finding about an admin or can-escalate user \(or its key\) or role\./);
  });

  it('says so when no account has a privilege assessment', () => {
    const bare: AuditRun = { ...run, accounts: run.accounts.map(({ access: _access, ...account }) => account), accessPaths: [] };
    const html = renderDashboard({ run: bare, findings: evaluateFindings(bare), maturity: assessMaturity(bare), thresholds: DEFAULT_THRESHOLDS });
    assert.match(html, /<section id="access"[^>]*><h2 id="access-title">Who can do what \(privilege\)<\/h2><p class="empty">No account of this run has a privilege assessment/);
  });
});

import { strict as assert } from 'assert';
import { IDENTITY_CENTER_ACTIONS, IDENTITY_CENTER_MANAGEMENT_ACTIONS } from '../../../auditor/collectors/identity-center';
import type { AuditRun } from '../../../auditor/model';
import { runAudit } from '../../../auditor/run/run-audit';
import type { AuditOptions } from '../../../auditor/run/audit-options';
import { simulatedClientFactory, type SimulatedOrganization } from '../../../simulator/simulated-aws';
import { AUDIT_ROLE, identityCenterOrganization, identityCenterSpec, MANAGEMENT, NOW, PROD, SECURITY, STAGING, USER_IDS } from '../../support/identity-center-organization';

// Reading IAM Identity Center from the simulated organization through the real SDK clients: the
// instance in the management account or in a delegated administrator's, every list paged, the
// sign-ins from CloudTrail, and what the record says when there is no instance or it cannot be read.

const options = (overrides: Partial<AuditOptions> = {}): AuditOptions => ({
  roleName: AUDIT_ROLE,
  concurrency: 2,
  cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 },
  identityCenter: { region: 'us-east-1' },
  runTime: NOW,
  ...overrides,
});

async function audit(org: SimulatedOrganization, overrides: Partial<AuditOptions> = {}): Promise<AuditRun> {
  return runAudit(options(overrides), simulatedClientFactory(org, { maxAttempts: 2 }));
}

function callsOf(org: SimulatedOrganization, service: string): { operation: string; accountId: string }[] {
  return org.callLog.filter((call) => call.service === service).map(({ operation, accountId }) => ({ operation, accountId }));
}

describe('Identity Center collector (simulated organization)', function () {
  this.timeout(60000);

  it('reads the instance in the management account: permission sets, assignments, users, groups, memberships', async () => {
    const org = identityCenterOrganization();
    const run = await audit(org);
    const center = run.identityCenter;
    assert.equal(center?.status, 'found');
    assert.equal(center?.accountId, MANAGEMENT);
    assert.equal(center?.delegatedAdministrator, false);
    assert.deepEqual(center?.errors, []);
    assert.deepEqual(center?.users.map((user) => user.userName).sort(), ['ana', 'ben', 'cy', 'dee', 'eve']);
    assert.equal(center?.users.find((user) => user.userName === 'dee')?.displayName, 'Dee Reader');
    const admins = center?.groups.find((group) => group.displayName === 'platform-admins');
    assert.deepEqual(admins?.memberIds.sort(), [USER_IDS.ana, USER_IDS.ben, USER_IDS.cy]);
    const byName = new Map(center?.permissionSets.map((set) => [set.name, set]));
    assert.equal(byName.get('Reader')?.sessionDuration, 'PT12H');
    assert.equal(byName.get('Deployer')?.sessionDuration, 'PT1H', 'no session duration set: one hour');
    assert.deepEqual(byName.get('Admin')?.awsManagedPolicies, [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }]);
    assert.deepEqual(byName.get('Deployer')?.customerManagedPolicies, [{ name: 'deploy', path: '/team/' }]);
    assert.deepEqual(byName.get('Deployer')?.permissionsBoundary, { awsManagedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    assert.match(byName.get('Deployer')?.inlinePolicy ?? '', /cloudwatch:GetMetricData/);
    assert.equal(byName.get('Admin')?.permissionsBoundary, null);
    assert.equal(byName.get('Admin')?.inlinePolicy, null);
    assert.deepEqual(byName.get('Admin')?.accountIds.sort(), [PROD, STAGING]);
    const assignments = (center?.assignments ?? []).map((entry) => `${entry.accountId} ${byName.size > 0 ? [...byName.values()].find((set) => set.arn === entry.permissionSetArn)?.name : ''} ${entry.principalType}`).sort();
    assert.deepEqual(assignments, [`${PROD} Admin GROUP`, `${PROD} Deployer USER`, `${PROD} Reader USER`, `${STAGING} Admin GROUP`, `${STAGING} Deployer USER`]);
    // Read in the management account only, through its audit role, and in no member account.
    assert.deepEqual([...new Set(callsOf(org, 'sso').map((call) => call.accountId))], [MANAGEMENT]);
    assert.deepEqual([...new Set(callsOf(org, 'identitystore').map((call) => call.accountId))], [MANAGEMENT]);
  });

  it('reads each user\'s last sign-in and whether every sign-in asked a second factor, and says where', async () => {
    const run = await audit(identityCenterOrganization());
    const signIns = new Map(run.identityCenter?.signIns?.map((signIn) => [signIn.userId, signIn]));
    assert.deepEqual(signIns.get(USER_IDS.ana), { userId: USER_IDS.ana, lastSignIn: '2024-05-25T09:00:00.000Z', mfa: 'yes' });
    assert.deepEqual(signIns.get(USER_IDS.dee), { userId: USER_IDS.dee, lastSignIn: '2024-03-10T09:00:00.000Z', mfa: 'no' });
    assert.equal(signIns.has(USER_IDS.ben), false, 'no sign-in in the window');
    assert.match(run.identityCenter?.signInsDetail ?? '', /^UserAuthentication events since 2024-03-03T00:00:00\.000Z in account 111111111111, us-east-1$/);
  });

  it('without CloudTrail says the sign-ins are not read rather than calling everyone inactive', async () => {
    const run = await audit(identityCenterOrganization(), { cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 } });
    assert.equal(run.identityCenter?.signIns, null);
    assert.match(run.identityCenter?.signInsDetail ?? '', /CloudTrail is off/);
  });

  it('pages every list to the end (one item a page)', async () => {
    const org = identityCenterOrganization({ pageSizes: { identityCenter: 1, cloudTrail: 1 } });
    const run = await audit(org);
    const paged = await audit(identityCenterOrganization());
    const strip = (record: AuditRun['identityCenter']) => JSON.stringify({ ...record, signIns: record?.signIns });
    assert.equal(strip(run.identityCenter), strip(paged.identityCenter));
    const calls = org.callCounts(MANAGEMENT);
    // Three permission sets: three pages of ListPermissionSets; platform-admins' three members: three pages.
    assert.equal(calls.ListPermissionSets, 3);
    assert.equal(calls.ListGroups, 2);
    assert.ok((calls.ListGroupMemberships ?? 0) >= 4, `ListGroupMemberships ${calls.ListGroupMemberships}`);
    assert.ok((calls.ListAccountsForProvisionedPermissionSet ?? 0) >= 5);
    assert.equal(org.calls('ListUsers', MANAGEMENT), 5, 'identitystore ListUsers, five users');
  });

  it('reads a delegated administrator\'s instance through the audit role of that account', async () => {
    const org = identityCenterOrganization({ identityCenter: identityCenterSpec({ delegatedAdministrator: SECURITY }) });
    const run = await audit(org);
    assert.equal(run.identityCenter?.status, 'found');
    assert.equal(run.identityCenter?.accountId, SECURITY);
    assert.equal(run.identityCenter?.delegatedAdministrator, true);
    assert.match(run.identityCenter?.detail ?? '', /delegated administrator account 444444444444, us-east-1/);
    assert.deepEqual([...new Set(callsOf(org, 'sso').map((call) => call.accountId))], [SECURITY]);
    assert.equal(run.identityCenter?.assignments.length, 5);
  });

  it('an organization without an instance is a fact, not an error', async () => {
    const run = await audit(identityCenterOrganization({ identityCenter: null }));
    assert.equal(run.identityCenter?.status, 'none');
    assert.equal(run.identityCenter?.detail, 'no Identity Center instance in the management account 111111111111, us-east-1');
    assert.ok(run.accounts.every((account) => account.coverage.audited === 'yes'));
  });

  it('an instance in another region than the one looked in is not found there, and the record names the region', async () => {
    const run = await audit(identityCenterOrganization({ identityCenter: identityCenterSpec({ region: 'eu-west-1' }) }));
    assert.equal(run.identityCenter?.status, 'none');
    assert.match(run.identityCenter?.detail ?? '', /us-east-1$/);
  });

  it('a denied ListInstances: the run goes on and the record says why', async () => {
    const org = identityCenterOrganization().injectFault({ operation: 'ListInstances', error: 'AccessDenied' });
    const run = await audit(org);
    assert.equal(run.identityCenter?.status, 'unknown');
    assert.match(run.identityCenter?.detail ?? '', /^ListInstances failed in the management account 111111111111, us-east-1 \(AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role\/Audit\/.* is not authorized to perform: sso:ListInstances/);
    assert.match(run.identityCenter?.detail ?? '', /whether the organization uses Identity Center is unknown$/);
    assert.equal(run.accounts.length, 4);
    assert.ok(run.accounts.every((account) => account.coverage.audited === 'yes'));
  });

  it('a part that fails is said in the record; the rest is kept', async () => {
    const org = identityCenterOrganization().injectFault({ operation: 'ListGroupMemberships', error: 'AccessDenied' });
    const run = await audit(org);
    assert.equal(run.identityCenter?.status, 'found');
    assert.equal(run.identityCenter?.assignments.length, 5);
    assert.ok(run.identityCenter?.errors.some((error) => /^ListGroupMemberships failed for group platform-admins \(AccessDeniedException: .*\): its members are not counted$/.test(error)), String(run.identityCenter?.errors));
  });

  it('is not read unless asked for, and by the first shard only', async () => {
    const org = identityCenterOrganization();
    const run = await audit(org, { identityCenter: undefined });
    assert.equal(run.identityCenter, undefined);
    assert.equal(callsOf(org, 'sso').length, 0);
    const second = await audit(identityCenterOrganization(), { shard: { index: 2, count: 2 } });
    assert.equal(second.identityCenter, undefined);
    const first = await audit(identityCenterOrganization(), { shard: { index: 1, count: 2 } });
    assert.equal(first.identityCenter?.status, 'found');
  });

  it('calls exactly the actions it declares (the audit role and the management policy grant them)', async () => {
    const org = identityCenterOrganization().injectFault({ operation: 'ListDelegatedAdministrators', error: 'AccessDenied', times: 0 });
    await audit(org);
    const called = new Set(org.callLog.filter((call) => call.service === 'sso' || call.service === 'identitystore').map((call) => `${call.service}:${call.operation}`));
    assert.deepEqual([...called].sort(), [...IDENTITY_CENTER_ACTIONS].sort());
    assert.ok(org.callLog.some((call) => call.service === 'organizations' && call.operation === 'ListDelegatedAdministrators' && call.accountId === MANAGEMENT));
    assert.deepEqual([...IDENTITY_CENTER_MANAGEMENT_ACTIONS], ['organizations:ListDelegatedAdministrators']);
  });
});

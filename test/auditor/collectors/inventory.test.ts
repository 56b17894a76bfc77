import { strict as assert } from 'assert';
import { collectInventory } from '../../../auditor/collectors/inventory';
import { assumedRoleCredentials } from '../../../auditor/aws/credentials';
import { runAudit } from '../../../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedAccountSpec } from '../../../simulator/simulated-aws';
import { coverageReasonText } from '../../../auditor/coverage-reasons';

// The inventory of principals and policies through the real SDK paginator, against the simulated
// organization: what the account holds is what the collector reports, in the pages IAM gives.

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

const MEMBER_SPEC: SimulatedAccountSpec = {
  id: MEMBER,
  name: 'workloads',
  users: [
    { name: 'alice', groups: ['admins'], inlinePolicies: [{ name: 'extra', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' }] } }] },
    { name: 'bob', attachedPolicies: [ADMIN], permissionsBoundary: `arn:aws:iam::${MEMBER}:policy/boundary` },
  ],
  groups: [{ name: 'admins', attachedPolicies: [ADMIN] }],
  roles: [
    { name: 'deploy', path: '/ci/', created: '2023-01-01T00:00:00Z', lastUsed: '2024-01-10T00:00:00Z', trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }] }, attachedPolicies: [`arn:aws:iam::${MEMBER}:policy/boundary`] },
  ],
  policies: [{ name: 'boundary', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
  passwordPolicy: { MinimumPasswordLength: 8, PasswordReusePrevention: 5 },
};

function organization(member: SimulatedAccountSpec = MEMBER_SPEC): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', recordCalls: true, pageSizes: { iam: 2 } })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount(member);
}

function memberIam(org: SimulatedOrganization) {
  const factory = simulatedClientFactory(org);
  return factory.iam(assumedRoleCredentials({ sts: factory.sts(), partition: 'aws', accountId: MEMBER, roleName: 'Audit', sessionName: 'inventory-test' }));
}

describe('inventory collector against the simulated organization', () => {
  it('reads every user, group, role and policy across pages, documents decoded', async () => {
    const org = organization();
    const { inventory, errors } = await collectInventory(memberIam(org));
    assert.deepEqual(errors, []);
    // 2 users + 1 group + 1 role + 2 policies (the customer one and AdministratorAccess in use), 2 a page.
    assert.equal(org.calls('GetAccountAuthorizationDetails', MEMBER), 3);
    assert.deepEqual(org.callLog.find((call) => call.operation === 'GetAccountAuthorizationDetails')?.input.Filter, ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);
    const [alice, bob] = inventory.users;
    assert.deepEqual(alice.groups, ['admins']);
    assert.deepEqual(JSON.parse(alice.inlinePolicies[0].document).Statement[0].Action, 's3:GetObject');
    assert.deepEqual(bob.attachedPolicies, [{ name: 'AdministratorAccess', arn: ADMIN }]);
    assert.equal(bob.permissionsBoundary, `arn:aws:iam::${MEMBER}:policy/boundary`);
    assert.deepEqual(inventory.groups.map((group) => [group.groupName, group.attachedPolicies.map((policy) => policy.arn)]), [['admins', [ADMIN]]]);
    const [deploy] = inventory.roles;
    assert.equal(deploy.arn, `arn:aws:iam::${MEMBER}:role/ci/deploy`);
    assert.equal(deploy.lastUsed, '2024-01-10T00:00:00.000Z');
    assert.equal(JSON.parse(deploy.trustPolicy).Statement[0].Principal.AWS, 'arn:aws:iam::999999999999:root');
    const admin = inventory.policies.find((policy) => policy.arn === ADMIN);
    assert.equal(admin?.attachmentCount, 2);
    assert.deepEqual(JSON.parse(admin?.document ?? '{}').Statement[0], { Effect: 'Allow', Action: '*', Resource: '*' });
    assert.deepEqual(inventory.passwordPolicy, { minimumLength: 8, reusePrevention: 5, maxAgeDays: null, requireSymbols: false, requireNumbers: false, requireUppercase: false, requireLowercase: false });
  });

  it('tells an account without a password policy (NoSuchEntity) from one whose policy could not be read', async () => {
    const none = await collectInventory(memberIam(organization({ ...MEMBER_SPEC, passwordPolicy: null })));
    assert.equal(none.inventory.passwordPolicy, 'none');
    assert.deepEqual(none.errors, []);

    const org = organization();
    org.injectFault({ operation: 'GetAccountPasswordPolicy', accountId: MEMBER, error: 'AccessDenied' });
    const denied = await collectInventory(memberIam(org));
    assert.equal(denied.inventory.passwordPolicy, 'unknown');
    assert.deepEqual(denied.errors.map((reason) => reason.kind), ['incomplete']);
    assert.match(denied.errors[0].detail, /GetAccountPasswordPolicy failed .*AccessDenied/);
  });

  it('is part of every account audit, and an account whose inventory cannot be read is partial', async () => {
    const options = { roleName: 'Audit', concurrency: 2, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 } };
    const clean = await runAudit(options, simulatedClientFactory(organization()));
    const member = clean.accounts.find((account) => account.account.id === MEMBER);
    assert.equal(member?.coverage.audited, 'yes');
    assert.deepEqual(member?.inventory?.roles.map((role) => role.roleName), ['deploy']);

    const org = organization();
    org.injectFault({ operation: 'GetAccountAuthorizationDetails', accountId: MEMBER, error: 'AccessDenied' });
    const run = await runAudit(options, simulatedClientFactory(org));
    const partial = run.accounts.find((account) => account.account.id === MEMBER);
    assert.equal(partial?.coverage.audited, 'partial');
    assert.equal(partial?.inventory, null);
    assert.match(partial?.coverage.errors.map(coverageReasonText).join('\n') ?? '', /GetAccountAuthorizationDetails failed .*AccessDenied/);
    assert.equal(partial?.users.length, 2, 'the users are still reported');
  });
});

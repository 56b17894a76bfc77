// The benchmark's baseline must make the seed script's calls, in the seed's order: otherwise the
// speed-up it reports means nothing.
import { strict as assert } from 'assert';
import { runSeedStrategy } from '../../bench/seed-strategy';
import { SimulatedOrganization, simulatedClientFactory } from '../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const NOW = new Date('2024-03-01T00:00:00.000Z');

function organization(): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', recordCalls: true })
    .addAccount({
      id: MANAGEMENT,
      name: 'management',
      users: [{ name: 'admin', password: {}, mfa: [{ type: 'hardware' }], accessKeys: [{ id: 'AKIAADMIN00000000001', created: '2023-01-01T00:00:00Z' }] }],
    })
    .addAccount({
      id: MEMBER,
      name: 'member',
      users: [
        {
          name: 'alice',
          password: {},
          mfa: [{ type: 'virtual' }],
          accessKeys: [
            { id: 'AKIAALICE00000000001', created: '2020-01-01T00:00:00Z', lastUsed: { date: '2024-02-01T00:00:00Z', service: 's3', region: 'us-east-1' } },
            { id: 'AKIAALICE00000000002', created: '2023-01-01T00:00:00Z' },
          ],
        },
        { name: 'bob' },
      ],
      events: [{ eventName: 'DeleteAccessKey', eventTime: '2024-02-20T00:00:00Z', username: 'admin' }],
    });
}

function options(accountLimit?: number) {
  return { roleName: 'Audit', startTime: new Date(NOW.getTime() - 90 * 86400000), endTime: NOW, ...(accountLimit === undefined ? {} : { accountLimit }) };
}

describe('bench: the seed strategy', () => {
  it('audits one account after another with per-user calls, in the seed script\'s order', async () => {
    const org = organization();
    const result = await runSeedStrategy(simulatedClientFactory(org), options());
    const calls = org.callLog.map((call) => `${call.accountId} ${call.operation}${call.input.UserName ? ` ${String(call.input.UserName)}` : ''}${call.input.AccessKeyId ? ` ${String(call.input.AccessKeyId)}` : ''}`);
    const lookups = ['LookupEvents', 'LookupEvents', 'LookupEvents'];
    assert.deepEqual(calls, [
      `${MANAGEMENT} ListAccounts`,
      `${MANAGEMENT} AssumeRole`,
      `${MANAGEMENT} ListUsers`,
      `${MANAGEMENT} ListAccessKeys admin`,
      `${MANAGEMENT} ListMFADevices admin`,
      `${MANAGEMENT} GetLoginProfile admin`,
      `${MANAGEMENT} GetAccessKeyLastUsed AKIAADMIN00000000001`,
      ...lookups.map((operation) => `${MANAGEMENT} ${operation}`),
      `${MEMBER} AssumeRole`,
      `${MEMBER} ListUsers`,
      `${MEMBER} ListAccessKeys alice`,
      `${MEMBER} ListMFADevices alice`,
      `${MEMBER} GetLoginProfile alice`,
      `${MEMBER} GetAccessKeyLastUsed AKIAALICE00000000001`,
      `${MEMBER} GetAccessKeyLastUsed AKIAALICE00000000002`,
      `${MEMBER} ListAccessKeys bob`,
      `${MEMBER} ListMFADevices bob`,
      `${MEMBER} GetLoginProfile bob`,
      ...lookups.map((operation) => `${MEMBER} ${operation}`),
    ]);
    assert.deepEqual(
      org.callLog.filter((call) => call.operation === 'LookupEvents' && call.accountId === MEMBER).map((call) => (call.input.LookupAttributes as { AttributeValue: string }[])[0].AttributeValue),
      ['CreateAccessKey', 'DeleteAccessKey', 'DeleteUser'],
    );
    // One row per key, as the seed writes them; bob has no key and no row.
    assert.deepEqual(
      result.findings.map((finding) => [finding.accountId, finding.userName, finding.accessKeyId, finding.passwordStatus, finding.lastUsedDate]),
      [
        [MANAGEMENT, 'admin', 'AKIAADMIN00000000001', 'Configured', 'Never used'],
        [MEMBER, 'alice', 'AKIAALICE00000000001', 'Configured', '2024-02-01T00:00:00.000Z'],
        [MEMBER, 'alice', 'AKIAALICE00000000002', 'Configured', 'Never used'],
      ],
    );
    assert.equal(result.events, 1);
    assert.deepEqual([result.accountsListed, result.accountsAudited, result.failedAccounts.length], [2, 2, 0]);
  });

  it('audits only the sample when given one, after listing every account', async () => {
    const org = organization();
    const result = await runSeedStrategy(simulatedClientFactory(org), options(1));
    assert.deepEqual([result.accountsListed, result.accountsAudited], [2, 1]);
    assert.equal(org.calls(undefined, MEMBER), 0);
  });

  it('goes on past an account whose role cannot be assumed, as the seed\'s try/except does', async () => {
    const org = organization().addAccount({ id: '333333333333', name: 'no role', auditRole: 'missing' });
    const result = await runSeedStrategy(simulatedClientFactory(org), options());
    assert.deepEqual(result.failedAccounts.map((failure) => failure.accountId), ['333333333333']);
    assert.equal(result.accountsAudited, 2);
  });
});

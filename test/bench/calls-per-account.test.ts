// The calls-per-account bound the benchmark checks at scale, checked here on a small organization
// of the same make: the real auditor, real SDK clients, the simulated organization.
import { strict as assert } from 'assert';
import { runAudit } from '../../auditor/run/run-audit';
import type { BenchMix } from '../../bench/organization';
import { benchAccountId, benchUser, BENCH_NOW, BENCH_ROLE_NAME, buildBenchOrganization, expectedAccount } from '../../bench/organization';
import { allowedCalls, FIXED_CALLS_PER_ACCOUNT, ORGANIZATION_LEVEL_OPERATIONS } from '../../bench/measure';
import { simulatedClientFactory } from '../../simulator/simulated-aws';

const MIX: BenchMix = { accounts: 4, users: 40, keyFraction: 0.5, consoleFraction: 0.5, virtualMfaFraction: 0.45, hardwareMfaFraction: 0.1, events: 60 };

describe('bench: calls per account of the auditor', () => {
  it('stay within 8 + users with keys + users with non-virtual MFA + CloudTrail pages (the inventory in one page)', async () => {
    const org = buildBenchOrganization(MIX, { latencyMs: 0, throttleRate: 0, throttleSeed: 1 });
    const run = await runAudit(
      { roleName: BENCH_ROLE_NAME, concurrency: 4, cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 }, runTime: BENCH_NOW },
      simulatedClientFactory(org),
    );
    assert.deepEqual(run.accounts.map((account) => account.coverage.audited), ['yes', 'yes', 'yes', 'yes']);
    for (let index = 0; index < MIX.accounts; index += 1) {
      const accountId = benchAccountId(index);
      const expected = expectedAccount(MIX, index);
      const counts = org.callCounts(accountId);
      const calls = Object.entries(counts).reduce((total, [operation, count]) => total + (ORGANIZATION_LEVEL_OPERATIONS.includes(operation) ? 0 : count), 0);
      const lookups = counts.LookupEvents ?? 0;
      assert.ok(lookups >= 3, `60 events take more than one page (${lookups} LookupEvents)`);
      assert.ok(calls <= allowedCalls(expected, lookups), `${accountId}: ${calls} calls, ${allowedCalls(expected, lookups)} allowed`);
      // Per-user calls only where the credential report cannot tell.
      assert.equal(counts.ListAccessKeys, expected.usersWithKeys);
      assert.equal(counts.ListMFADevices ?? 0, expected.usersWithNonVirtualMfa);
      assert.equal(calls - expected.usersWithKeys - expected.usersWithNonVirtualMfa - lookups, FIXED_CALLS_PER_ACCOUNT);
      assert.equal(run.accounts[index].users.length, MIX.users);
    }
  });

  it('come from an organization that is the same in every process and follows the mix', () => {
    const big: BenchMix = { ...MIX, users: 4000 };
    const users = Array.from({ length: big.users }, (_, user) => benchUser(big, 7, user));
    assert.deepEqual(benchUser(big, 7, 123), users[123]);
    const share = (test: (index: number) => boolean) => users.filter((_, index) => test(index)).length / users.length;
    assert.ok(Math.abs(share((index) => (users[index].accessKeys ?? []).length > 0) - big.keyFraction) < 0.03);
    assert.ok(Math.abs(share((index) => users[index].password !== undefined) - big.consoleFraction) < 0.03);
    assert.ok(Math.abs(share((index) => users[index].mfa?.[0]?.type === 'virtual') - big.virtualMfaFraction) < 0.03);
    assert.ok(Math.abs(share((index) => (users[index].mfa ?? []).some((device) => device.type !== 'virtual')) - big.hardwareMfaFraction) < 0.03);
    assert.equal(expectedAccount(big, 7).usersWithKeys, users.filter((user) => (user.accessKeys ?? []).length > 0).length);
  });
});

// The benchmark's organization keeps only a few accounts resolved in the simulator; an account
// dropped and rebuilt must answer exactly as one kept all along.
import { strict as assert } from 'assert';
import { runAudit } from '../../auditor/run/run-audit';
import { BENCH_NOW, benchEvents, benchUsers, type BenchMix } from '../../bench/organization';
import { SimulatedOrganization, simulatedClientFactory } from '../../simulator/simulated-aws';

const MIX: BenchMix = { accounts: 3, users: 12, keyFraction: 0.6, consoleFraction: 0.5, virtualMfaFraction: 0.4, hardwareMfaFraction: 0.2, events: 5 };

function organization(maxAccountsInMemory?: number): SimulatedOrganization {
  const org = new SimulatedOrganization({ managementAccountId: '100000000000', auditRoleName: 'Audit', maxAccountsInMemory });
  return org.addAccounts(MIX.accounts, (index) => ({
    id: String(100000000000 + index),
    name: `account-${index}`,
    users: () => benchUsers(MIX, index),
    events: () => benchEvents(MIX, index),
  }));
}

describe('bench: the simulator with few accounts in memory', () => {
  it('answers a rebuilt account exactly as a kept one', async () => {
    const options = { roleName: 'Audit', concurrency: 3, cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 }, now: BENCH_NOW };
    const kept = await runAudit(options, simulatedClientFactory(organization()));
    const compact = organization(1);
    const rebuilt = await runAudit(options, simulatedClientFactory(compact));
    assert.deepEqual(rebuilt.accounts, kept.accounts);
    assert.ok(rebuilt.accounts.every((account) => account.coverage.audited === 'yes' && account.users.length === MIX.users));
  });
});

// The audit command as a process of its own (its real signal handling, exit and temporary files)
// against a simulated organization whose every call takes a while and one of whose accounts never
// answers: a run to stop in the middle. Started by test/auditor/cli/run-as-process.test.ts:
//   node -r ts-node/register test/support/simulated-audit-process.ts --role Audit --out-dir <dir> ...
import { runAsProcess } from '../../auditor/cli/run-as-process';
import { SimulatedOrganization, simulatedClientFactory } from '../../simulator/simulated-aws';

export const STUCK_ACCOUNT = '222222222222';
export const ACCOUNT_COUNT = 30;

const org = new SimulatedOrganization({ managementAccountId: '111111111111', auditRoleName: 'Audit', latencyMs: 100 });
org.addAccount({ id: '111111111111', name: 'management', users: [{ name: 'admin', password: {} }] });
org.addAccount({ id: STUCK_ACCOUNT, name: 'stuck', users: [{ name: 'alice', password: {} }] });
for (let index = 2; index < ACCOUNT_COUNT; index += 1) org.addAccount({ id: String(900000000000 + index), name: `member-${index}`, users: [{ name: `user-${index}`, password: {} }] });
org.injectFault({ operation: 'GetAccountSummary', accountId: STUCK_ACCOUNT, connection: 'hang' });

runAsProcess(process.argv.slice(2), {
  clientFactory: () => simulatedClientFactory(org, { timeouts: { connectionMs: 5_000, requestMs: 600_000, socketIdleMs: 600_000 } }),
  now: () => new Date('2024-03-01T12:00:00Z'),
});

// `npm run bench:faults -- [flags]`: the auditor's run against a simulated organization with faults
// injected on the wire and in the answers: calls that are never answered (hangs), connections
// dropped while a request is sent, and throttling. Hangs and drops go through the clients' real
// Node handler to a local server that plays them, so the real timeouts, retries and account
// deadlines are what is measured. Prints the wall time, the accounts audited, partial, not audited
// and lost (listed by Organizations but missing from the run: must be 0), and the faults served,
// each of which the SDK retried or an account deadline ended.
import { parseArgs } from 'node:util';
import { parseIntegerInRange } from '../auditor/values/parsers';
import { runAudit } from '../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedUserSpec } from '../simulator/simulated-aws';

const MANAGEMENT = '100000000000';

function fraction(value: string, flag: string): number {
  const parsed = Number(value);
  if (!(parsed >= 0 && parsed <= 1)) throw new Error(`${flag}: expected a share from 0 to 1, got ${JSON.stringify(value)}`);
  return parsed;
}

function users(count: number): SimulatedUserSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `user-${index}`,
    password: index % 2 === 0 ? {} : undefined,
    accessKeys: index % 3 === 0 ? [{ created: '2023-01-01T00:00:00Z' }] : [],
    mfa: index % 2 === 0 ? [{ type: 'virtual' as const }] : [],
  }));
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      accounts: { type: 'string', default: '100' },
      users: { type: 'string', default: '10' },
      'latency-ms': { type: 'string', default: '20' },
      'hang-rate': { type: 'string', default: '0' },
      'drop-rate': { type: 'string', default: '0' },
      'throttle-rate': { type: 'string', default: '0' },
      'account-timeout': { type: 'string', default: '15' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const accounts = parseIntegerInRange(values.accounts, '--accounts', 2, 100_000);
  const userCount = parseIntegerInRange(values.users, '--users', 0, 5_000);
  const latencyMs = parseIntegerInRange(values['latency-ms'], '--latency-ms', 0, 10_000);
  const accountTimeoutSeconds = parseIntegerInRange(values['account-timeout'], '--account-timeout', 1, 7200);
  const concurrency = parseIntegerInRange(values.concurrency, '--concurrency', 1, 64);
  const hangRate = fraction(values['hang-rate'], '--hang-rate');
  const dropRate = fraction(values['drop-rate'], '--drop-rate');
  const throttleRate = fraction(values['throttle-rate'], '--throttle-rate');

  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', latencyMs, randomThrottling: { rate: throttleRate, seed: 1 } });
  const every = (rate: number) => (rate === 0 ? Infinity : Math.max(1, Math.round(1 / rate)));
  let hungAccounts = 0;
  for (let index = 0; index < accounts; index += 1) {
    const id = String(Number(MANAGEMENT) + index);
    org.addAccount({ id, name: `account-${index}`, users: () => users(userCount) });
    // A hung account: GetAccountSummary is never answered, so only its deadline ends it.
    if (index > 0 && index % every(hangRate) === 0) {
      org.injectFault({ operation: 'GetAccountSummary', accountId: id, connection: 'hang' });
      hungAccounts += 1;
    }
    // A dropped connection, once, on the credential report and on the CloudTrail lookup.
    if (index % every(dropRate) === 0 && dropRate > 0) {
      org.injectFault({ operation: 'GetCredentialReport', accountId: id, connection: 'drop', times: 1 });
      org.injectFault({ operation: 'LookupEvents', accountId: id, connection: 'drop', times: 1 });
    }
  }

  const started = Date.now();
  const run = await runAudit(
    { roleName: 'Audit', concurrency, cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 }, accountTimeoutSeconds },
    simulatedClientFactory(org),
  );
  const wallSeconds = (Date.now() - started) / 1000;
  await org.close();

  const count = (audited: string) => run.accounts.filter((audit) => audit.coverage.audited === audited).length;
  const listed = new Set(run.accounts.map((audit) => audit.account.id));
  const lost = accounts - listed.size;
  const timedOut = run.accounts.filter((audit) => audit.coverage.errors.some((reason) => reason.kind === 'timed-out')).length;
  const faults = org.connectionFaults().received;
  process.stdout.write(
    [
      `fault benchmark: ${accounts} accounts x ${userCount} users, ${latencyMs} ms per call, concurrency ${concurrency}, --account-timeout ${accountTimeoutSeconds}`,
      `injected: ${hungAccounts} accounts with a call never answered, drops in ${dropRate > 0 ? Math.ceil(accounts / every(dropRate)) : 0} accounts (2 each), ${Math.round(throttleRate * 100)}% of calls throttled`,
      `wall time: ${wallSeconds.toFixed(1)} s`,
      `accounts: ${count('yes')} audited, ${count('partial')} partial (${timedOut} at their deadline), ${count('no')} not audited, ${lost} lost`,
      `retried: ${org.throttles()} throttled answers, ${faults.drop} dropped connections; ${faults.hang} calls never answered, ended by the account deadline`,
      `API calls: ${org.calls()}`,
      '',
    ].join('\n'),
  );
  if (lost > 0) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

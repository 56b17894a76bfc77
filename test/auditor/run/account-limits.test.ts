// An account's deadline and a stopped run, through the real SDK clients: calls that are never
// answered reach a local server that accepts them and stays silent, so what ends them is the
// deadline's abort, not a mock.
import { strict as assert } from 'assert';
import { runAudit } from '../../../auditor/run/run-audit';
import type { AuditOptions } from '../../../auditor/run/audit-options';
import { coverageReasonText } from '../../../auditor/coverage-reasons';
import { AccountCallTracker, runStopped, timedOutReason } from '../../../auditor/run/account-limits';
import type { AccountAudit } from '../../../auditor/model';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedUserSpec } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const STUCK = '222222222222';
const HEALTHY = '333333333333';
const USERS: SimulatedUserSpec[] = [
  { name: 'alice', password: {}, accessKeys: [{ created: '2020-02-01T00:00:00Z' }], mfa: [{ type: 'virtual' }] },
  { name: 'bob', password: {} },
];
// Long enough that only the account's deadline can end a hung call within a test.
const PATIENT_CLIENTS = { connectionMs: 5_000, requestMs: 120_000, socketIdleMs: 120_000 };

function organization(accounts = 3): SimulatedOrganization {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', credentialReportInProgressCalls: 0 });
  org.addAccount({ id: MANAGEMENT, name: 'management', users: USERS });
  org.addAccount({ id: STUCK, name: 'stuck', users: USERS });
  org.addAccount({ id: HEALTHY, name: 'healthy', users: USERS });
  for (let index = 3; index < accounts; index += 1) org.addAccount({ id: String(900000000000 + index), name: `member-${index}`, users: USERS });
  return org;
}

function options(overrides: Partial<AuditOptions> = {}): AuditOptions {
  return { roleName: 'Audit', concurrency: 4, cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 }, ...overrides };
}

function byId(accounts: AccountAudit[], id: string): AccountAudit {
  const found = accounts.find((audit) => audit.account.id === id);
  assert.ok(found, `account ${id} is in the run`);
  return found;
}

describe('account deadlines', () => {
  let org: SimulatedOrganization;
  afterEach(() => org.close());

  it('records an account whose call is never answered as partial at its deadline, and the run goes on', async () => {
    org = organization();
    org.injectFault({ operation: 'GetAccountSummary', accountId: STUCK, connection: 'hang' });
    const started = Date.now();
    const run = await runAudit(options({ accountTimeoutSeconds: 1 }), simulatedClientFactory(org, { timeouts: PATIENT_CLIENTS }));
    const elapsedMs = Date.now() - started;
    const stuck = byId(run.accounts, STUCK);
    assert.equal(stuck.coverage.audited, 'partial');
    assert.deepEqual(stuck.coverage.errors, [{ kind: 'timed-out', detail: '1 s in GetAccountSummary' }]);
    // What was collected before the deadline is kept: the users came from the credential report.
    assert.deepEqual(stuck.users.map((user) => user.userName), ['alice', 'bob']);
    assert.equal(byId(run.accounts, HEALTHY).coverage.audited, 'yes');
    assert.equal(byId(run.accounts, MANAGEMENT).coverage.audited, 'yes');
    assert.equal(org.connectionFaults().received.hang, 1);
    assert.ok(elapsedMs < 10_000, `the run ended ${elapsedMs} ms after it started`);
  });

  it('records an account stuck in AssumeRole as not audited, naming AssumeRole', async () => {
    org = organization();
    org.injectFault({ operation: 'AssumeRole', accountId: STUCK, connection: 'hang' });
    const run = await runAudit(options({ accountTimeoutSeconds: 1 }), simulatedClientFactory(org, { timeouts: PATIENT_CLIENTS }));
    const stuck = byId(run.accounts, STUCK);
    assert.equal(stuck.coverage.audited, 'no');
    assert.deepEqual(stuck.coverage.errors, [{ kind: 'timed-out', detail: '1 s in AssumeRole' }]);
    assert.equal(coverageReasonText(stuck.coverage.errors[0]), 'timed out after 1 s in AssumeRole');
    assert.equal(byId(run.accounts, HEALTHY).coverage.audited, 'yes');
  });

  it('sends nothing more for an account once its deadline has passed', async () => {
    org = organization();
    org.injectFault({ operation: 'GetCredentialReport', accountId: STUCK, connection: 'hang' });
    org.injectFault({ operation: 'LookupEvents', accountId: STUCK, connection: 'hang' });
    const run = await runAudit(options({ accountTimeoutSeconds: 1 }), simulatedClientFactory(org, { timeouts: PATIENT_CLIENTS }));
    assert.match(coverageReasonText(byId(run.accounts, STUCK).coverage.errors[0]), /^timed out after 1 s in (GetCredentialReport, LookupEvents|LookupEvents, GetCredentialReport)$/);
    const callsAtEnd = org.calls(undefined, STUCK);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(org.calls(undefined, STUCK), callsAtEnd);
  });

  it('says which calls were in flight, oldest first, or the last one started', () => {
    const tracker = new AccountCallTracker();
    assert.deepEqual(tracker.operations(), []);
    const summaryDone = tracker.started('GetAccountSummary');
    const lookupDone = tracker.started('LookupEvents');
    tracker.started('LookupEvents');
    assert.deepEqual(tracker.operations(), ['GetAccountSummary', 'LookupEvents']);
    summaryDone();
    lookupDone();
    assert.deepEqual(tracker.operations(), ['LookupEvents']);
    assert.equal(coverageReasonText(timedOutReason(600, ['GetAccountSummary'])), 'timed out after 600 s in GetAccountSummary');
  });
});

describe('a stopped run', () => {
  let org: SimulatedOrganization;
  afterEach(() => org.close());

  it('starts no more accounts, gives those in flight the grace, and lists every unfinished one as run stopped', async () => {
    org = organization(12);
    org.injectFault({ operation: 'GetAccountSummary', accountId: STUCK, connection: 'hang' });
    const stop = new AbortController();
    const done: string[] = [];
    const started = Date.now();
    let stoppedAt = 0;
    const run = await runAudit(options({ concurrency: 2, stop: stop.signal, stopGraceSeconds: 1 }), simulatedClientFactory(org, { timeouts: PATIENT_CLIENTS }), {
      onAccountDone(audit) {
        done.push(audit.account.id);
        // Stopped as soon as the first account is done: the stuck one is then in flight.
        if (done.length === 1) {
          stoppedAt = Date.now();
          stop.abort();
        }
      },
    });
    assert.equal(run.accounts.length, 12);
    const stopped = run.accounts.filter((audit) => audit.coverage.errors.some((reason) => reason.kind === 'stopped'));
    assert.ok(stopped.some((audit) => audit.account.id === STUCK), 'the account in flight past the grace is given up');
    assert.ok(stopped.length >= 9, `${stopped.length} accounts not started or not finished`);
    for (const audit of stopped) assert.deepEqual([audit.coverage.audited, audit.coverage.errors], ['no', [runStopped()]]);
    assert.equal(coverageReasonText(runStopped()), 'run stopped');
    const auditedAfterStop = run.accounts.filter((audit) => audit.coverage.audited === 'yes').length;
    assert.equal(auditedAfterStop + stopped.length, 12);
    // Accounts that never started were never assumed.
    assert.ok(org.calls('AssumeRole') <= 12 - stopped.length + 2);
    assert.ok(Date.now() - stoppedAt < 4_000, 'the run ended within the grace and a little');
    assert.ok(stoppedAt - started < 10_000);
  });
});

import { strict as assert } from 'assert';
import { formatRunTimestamp, runAudit } from '../../../auditor/run/run-audit';
import { coverageReasonText } from '../../../auditor/coverage-reasons';
import { skipDecision, type AuditOptions } from '../../../auditor/run/audit-options';
import { AuditSetupError } from '../../../auditor/aws/setup-errors';
import { collectedAccountAudit, failureReason, skippedAccountAudit } from '../../../auditor/run/audit-account';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { RunCache, type AccountCollectorContext, type CollectorOutcome } from '../../../auditor/collectors/account-collector';
import { cloudTrailCollector } from '../../../auditor/collectors/cloudtrail';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { ADAPTIVE_MIN_CALLS_PER_SECOND, DEFAULT_MAX_ATTEMPTS, defaultClientFactory, resolveRegion } from '../../../auditor/aws/clients';
import type { AccountAudit, CoverageReason, OrgAccount } from '../../../auditor/model';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedOrganizationOptions, type SimulatedUserSpec } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const NO_ROLE = '333333333333';
const SUSPENDED = '444444444444';
const CLOSING = '555555555555';
const LEGACY_ACTIVE = '666666666666';
const LEGACY_SUSPENDED = '777777777777';

const USERS: SimulatedUserSpec[] = [
  { name: 'alice', created: '2020-01-01T00:00:00Z', password: { lastUsed: '2024-01-10T00:00:00Z' }, accessKeys: [{ created: '2020-02-01T00:00:00Z' }], mfa: [{ type: 'virtual' }] },
  { name: 'bob', created: '2021-01-01T00:00:00Z', password: {} },
];

function organization(options: Partial<SimulatedOrganizationOptions> = {}): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', pageSizes: { organizations: 2 }, recordCalls: true, ...options })
    .addAccount({ id: MANAGEMENT, name: 'management', users: [{ name: 'admin', created: '2019-01-01T00:00:00Z', password: {}, mfa: [{ type: 'hardware' }] }], root: { mfa: 'hardware' } })
    .addAccount({
      id: MEMBER,
      name: 'workloads',
      users: USERS,
      root: { mfa: 'none', accessKeys: [{ created: '2018-01-01T00:00:00Z' }] },
      events: [{ eventName: 'CreateAccessKey', eventTime: new Date(Date.now() - 24 * 3600 * 1000).toISOString(), username: 'admin', resources: [{ type: 'AWS::IAM::User', name: 'alice' }] }],
    })
    .addAccount({ id: NO_ROLE, name: 'no-role', auditRole: 'missing', users: USERS })
    .addAccount({ id: SUSPENDED, name: 'suspended', state: 'SUSPENDED' })
    .addAccount({ id: CLOSING, name: 'closing', state: 'PENDING_CLOSURE' })
    .addAccount({ id: LEGACY_ACTIVE, name: 'legacy-active', stateField: 'Status', users: USERS })
    .addAccount({ id: LEGACY_SUSPENDED, name: 'legacy-suspended', state: 'SUSPENDED', stateField: 'Status' });
}

function options(overrides: Partial<AuditOptions> = {}): AuditOptions {
  return { roleName: 'Audit', concurrency: 8, cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 }, ...overrides };
}

function byId(accounts: AccountAudit[], id: string): AccountAudit {
  const found = accounts.find((audit) => audit.account.id === id);
  assert.ok(found, `account ${id} is in the run`);
  return found;
}

function assumedAccounts(org: SimulatedOrganization): string[] {
  return org.callLog.filter((call) => call.operation === 'AssumeRole').map((call) => call.accountId);
}

describe('runAudit', () => {
  it('lists every account over several pages and audits the active ones, the management account through the role', async () => {
    const org = organization();
    const run = await runAudit(options(), simulatedClientFactory(org));
    assert.equal(org.calls('ListAccounts'), 4);
    assert.deepEqual(run.accounts.map((audit) => audit.account.id), [MANAGEMENT, MEMBER, NO_ROLE, SUSPENDED, CLOSING, LEGACY_ACTIVE, LEGACY_SUSPENDED]);
    assert.equal(run.managementAccountId, MANAGEMENT);
    assert.equal(run.partition, 'aws');

    const management = byId(run.accounts, MANAGEMENT);
    assert.equal(management.account.isManagementAccount, true);
    assert.equal(management.coverage.audited, 'yes');
    assert.deepEqual(management.users.map((user) => user.userName), ['admin']);
    const managementAssume = org.callLog.find((call) => call.operation === 'AssumeRole' && call.accountId === MANAGEMENT);
    assert.equal(managementAssume?.input.RoleArn, `arn:aws:iam::${MANAGEMENT}:role/Audit`);

    const member = byId(run.accounts, MEMBER);
    assert.deepEqual(member.coverage, { accountId: MEMBER, accountName: 'workloads', state: 'ACTIVE', audited: 'yes', errors: [], skipped: null, userSource: 'credential-report' });
    assert.deepEqual(member.users.map((user) => [user.userName, user.accessKeys.length, user.mfaType]), [['alice', 1, 'Virtual'], ['bob', 0, 'None']]);
    assert.equal(member.root?.accessKeysActive, true);
    assert.deepEqual(member.events.map((event) => [event.eventName, event.accountId, event.accountName]), [['CreateAccessKey', MEMBER, 'workloads']]);
    // Every call in the member account was signed with credentials of that account.
    assert.ok(org.calls('GetCredentialReport', MEMBER) >= 1);
  });

  it('skips accounts that are not ACTIVE, reading the retired Status only when State is absent', async () => {
    const org = organization();
    const run = await runAudit(options(), simulatedClientFactory(org));
    for (const [id, state] of [[SUSPENDED, 'SUSPENDED'], [CLOSING, 'PENDING_CLOSURE'], [LEGACY_SUSPENDED, 'SUSPENDED']]) {
      const audit = byId(run.accounts, id);
      assert.deepEqual(
        { audited: audit.coverage.audited, skipped: audit.coverage.skipped, errors: audit.coverage.errors, state: audit.coverage.state },
        { audited: 'no', skipped: 'state', errors: [{ kind: 'skipped', detail: `account state is ${state}` }], state },
      );
    }
    assert.equal(byId(run.accounts, LEGACY_ACTIVE).coverage.audited, 'yes');
    assert.equal(byId(run.accounts, LEGACY_ACTIVE).users.length, 2);
    assert.deepEqual(assumedAccounts(org).sort(), [MANAGEMENT, MEMBER, NO_ROLE, LEGACY_ACTIVE].sort());
  });

  it('records an account without the audit role as not audited, with the AssumeRole error, and audits the others', async () => {
    const org = organization();
    const run = await runAudit(options(), simulatedClientFactory(org));
    const noRole = byId(run.accounts, NO_ROLE);
    assert.equal(noRole.coverage.audited, 'no');
    assert.equal(noRole.coverage.skipped, null);
    assert.deepEqual(noRole.coverage.errors.map((reason) => reason.kind), ['unreachable']);
    assert.deepEqual(noRole.coverage.errors.map(coverageReasonText), [
      `AssumeRole failed: AccessDenied: User: arn:aws:iam::${MANAGEMENT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${NO_ROLE}:role/Audit`,
    ]);
    assert.deepEqual(noRole.users, []);
    assert.equal(org.calls('GenerateCredentialReport', NO_ROLE), 0);
    assert.deepEqual(
      run.accounts.filter((audit) => audit.coverage.audited === 'yes').map((audit) => audit.account.id),
      [MANAGEMENT, MEMBER, LEGACY_ACTIVE],
    );
  });

  it('marks an account partial when CloudTrail is denied after the role worked, keeping its IAM data', async () => {
    const org = organization().injectFault({ operation: 'LookupEvents', accountId: MEMBER, error: 'AccessDenied' });
    const run = await runAudit(options(), simulatedClientFactory(org));
    const member = byId(run.accounts, MEMBER);
    assert.equal(member.coverage.audited, 'partial');
    assert.equal(member.coverage.errors.length, 1);
    assert.equal(member.coverage.errors[0].kind, 'failed');
    assert.match(member.coverage.errors[0].detail, /^CloudTrail LookupEvents failed: AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role\/Audit\/iam-audit-\d{8}T\d{6}Z is not authorized to perform: cloudtrail:LookupEvents/);
    assert.equal(member.users.length, 2);
    assert.equal(byId(run.accounts, LEGACY_ACTIVE).coverage.audited, 'yes');
  });

  it('does not call CloudTrail when it is disabled, and asks the region it is given', async () => {
    const disabled = organization();
    await runAudit(options({ cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 } }), simulatedClientFactory(disabled));
    assert.equal(disabled.calls('LookupEvents'), 0);

    const elsewhere = organization();
    const run = await runAudit(options({ cloudTrail: { enabled: true, region: 'eu-west-1', sinceDays: 90 } }), simulatedClientFactory(elsewhere));
    assert.ok(elsewhere.calls('LookupEvents', MEMBER) > 0);
    assert.deepEqual(byId(run.accounts, MEMBER).events, [], 'the IAM event is recorded in us-east-1 only');
  });

  it('audits only --accounts and lists the others as skipped by the filter', async () => {
    const org = organization();
    const run = await runAudit(options({ includeAccounts: [MEMBER, SUSPENDED] }), simulatedClientFactory(org));
    assert.equal(run.accounts.length, 7);
    assert.deepEqual(assumedAccounts(org), [MEMBER]);
    assert.equal(byId(run.accounts, MEMBER).coverage.audited, 'yes');
    assert.deepEqual(byId(run.accounts, MANAGEMENT).coverage.errors, [{ kind: 'skipped', detail: 'not in --accounts' }]);
    assert.equal(byId(run.accounts, MANAGEMENT).coverage.skipped, 'filter');
    assert.equal(byId(run.accounts, SUSPENDED).coverage.skipped, 'state', 'a listed account is still skipped for its state');
  });

  it('skips --exclude-accounts', async () => {
    const org = organization();
    const run = await runAudit(options({ excludeAccounts: [MEMBER, NO_ROLE] }), simulatedClientFactory(org));
    assert.deepEqual(assumedAccounts(org).sort(), [MANAGEMENT, LEGACY_ACTIVE].sort());
    for (const id of [MEMBER, NO_ROLE]) {
      assert.deepEqual(byId(run.accounts, id).coverage.errors, [{ kind: 'skipped', detail: 'excluded by --exclude-accounts' }]);
      assert.equal(byId(run.accounts, id).coverage.skipped, 'filter');
    }
  });

  it('refuses an --accounts id the organization does not list, naming it', async () => {
    const org = organization();
    await assert.rejects(runAudit(options({ includeAccounts: [MEMBER, '999999999999'] }), simulatedClientFactory(org)), (error: unknown) => {
      assert.ok(error instanceof AuditSetupError);
      assert.match(error.message, /999999999999/);
      return true;
    });
    assert.equal(org.calls('AssumeRole'), 0);
  });

  it('fails set-up plainly when Organizations denies ListAccounts', async () => {
    const org = organization().injectFault({ operation: 'ListAccounts', error: 'AccessDenied' });
    await assert.rejects(runAudit(options(), simulatedClientFactory(org)), (error: unknown) => {
      assert.ok(error instanceof AuditSetupError);
      assert.match(error.message, /^Organizations denied ListAccounts: run the auditor with credentials of the management account or of a delegated administrator account/);
      return true;
    });
  });

  it('fails set-up plainly without credentials, and outside an organization', async () => {
    await assert.rejects(runAudit(options(), simulatedClientFactory(organization(), { credentials: 'none' })), (error: unknown) => {
      assert.ok(error instanceof AuditSetupError);
      assert.match(error.message, /^No AWS credentials found: /);
      return true;
    });
    const outside = organization().injectFault({ operation: 'ListAccounts', error: 'NotInOrganization' }).injectFault({ operation: 'DescribeOrganization', error: 'NotInOrganization' });
    await assert.rejects(runAudit(options(), simulatedClientFactory(outside)), /^AuditSetupError: This account is not in an AWS Organization/);
  });

  it('renews the audit role credentials when an account outlasts them', async () => {
    // Sessions last 0.4 s of simulated time, and the simulated clock runs 299.9 s ahead: the SDK
    // and the provider (which renew 5 minutes before expiry by the real clock) see them due for
    // renewal 0.3 s after they are issued, and the simulated AWS rejects them 0.1 s later. An
    // account audit that takes longer than that only succeeds if they are renewed.
    const org = organization({ now: () => new Date(Date.now() + 299_900), sessionDurationSeconds: 0.4, latencyMs: 20 });
    const slow = org.account(MEMBER);
    assert.ok(slow);
    slow.users = Array.from({ length: 24 }, (_, index) => ({ name: `user${index}`, accessKeys: [{ created: '2023-01-01T00:00:00Z' }] }));
    const run = await runAudit(options({ includeAccounts: [MEMBER] }), simulatedClientFactory(org));
    assert.equal(byId(run.accounts, MEMBER).coverage.audited, 'yes', byId(run.accounts, MEMBER).coverage.errors.map(coverageReasonText).join('; '));
    assert.equal(byId(run.accounts, MEMBER).users.length, 24);
    assert.ok(org.calls('AssumeRole', MEMBER) >= 2, `AssumeRole called ${org.calls('AssumeRole', MEMBER)} times`);
    // The only error answered is the account's missing password policy (NoSuchEntity).
    assert.equal(org.errors() - org.errors('GetAccountPasswordPolicy'), 0, 'no call was made with expired credentials');
  });

  it('never audits more accounts at once than the concurrency allows', async () => {
    const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', latencyMs: 2 });
    org.addAccounts(10, (index) => ({ id: String(100000000000 + index), name: `a${index}`, users: USERS }));
    let inFlight = 0;
    let maxInFlight = 0;
    const done: string[] = [];
    const run = await runAudit(options({ concurrency: 3, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 } }), simulatedClientFactory(org), {
      onAccountStart: () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
      },
      onAccountDone: (audit) => {
        if (audit.coverage.skipped === null) inFlight -= 1;
        done.push(audit.account.id);
      },
    });
    assert.equal(maxInFlight, 3);
    assert.equal(done.length, 10);
    assert.ok(run.accounts.every((audit) => audit.coverage.audited === 'yes'));
  });

  it('calls onAccountDone once for every listed account, and onAccountStart only for audited ones', async () => {
    const org = organization();
    const started: string[] = [];
    const done: string[] = [];
    await runAudit(options(), simulatedClientFactory(org), {
      onAccountStart: (account) => started.push(account.id),
      onAccountDone: async (audit) => {
        done.push(audit.account.id);
      },
    });
    assert.deepEqual(started.sort(), [MANAGEMENT, MEMBER, NO_ROLE, LEGACY_ACTIVE].sort());
    assert.deepEqual(done.sort(), [MANAGEMENT, MEMBER, NO_ROLE, SUSPENDED, CLOSING, LEGACY_ACTIVE, LEGACY_SUSPENDED].sort());
  });

  it('stops and reports a failing onAccountDone hook instead of losing it', async () => {
    const org = organization();
    await assert.rejects(
      runAudit(options({ concurrency: 1 }), simulatedClientFactory(org), {
        onAccountDone: () => {
          throw new Error('disk full');
        },
      }),
      /disk full/,
    );
  });

  it('retries throttling until the calls succeed', async () => {
    const org = organization()
      .injectFault({ operation: 'ListVirtualMFADevices', accountId: MEMBER, error: 'Throttling', times: 2 })
      .injectFault({ operation: 'AssumeRole', accountId: LEGACY_ACTIVE, error: 'Throttling', times: 1 })
      .injectFault({ operation: 'ListAccounts', error: 'Throttling', times: 1 });
    const run = await runAudit(options(), simulatedClientFactory(org));
    assert.equal(byId(run.accounts, MEMBER).coverage.audited, 'yes');
    assert.equal(byId(run.accounts, LEGACY_ACTIVE).coverage.audited, 'yes');
    assert.equal(org.throttles(), 4);
    assert.equal(org.calls('ListVirtualMFADevices', MEMBER), 3);
    assert.equal(run.accounts.length, 7);
  });

  it('keeps going under seeded random throttling across the organization', async () => {
    const org = organization({ randomThrottling: { rate: 0.15, seed: 7 } });
    const run = await runAudit(options(), simulatedClientFactory(org));
    assert.ok(org.throttles() > 0, 'some calls were throttled');
    assert.deepEqual(
      run.accounts.filter((audit) => audit.coverage.audited === 'yes').map((audit) => audit.account.id),
      [MANAGEMENT, MEMBER, LEGACY_ACTIVE],
    );
  });

  it('marks an account partial when throttling outlasts the retries', async () => {
    const org = organization().injectFault({ operation: 'LookupEvents', accountId: MEMBER, error: 'Throttling' });
    const run = await runAudit(options({ includeAccounts: [MEMBER] }), simulatedClientFactory(org, { maxAttempts: 2 }));
    const member = byId(run.accounts, MEMBER);
    assert.equal(member.coverage.audited, 'partial');
    assert.match(member.coverage.errors.map(coverageReasonText).join('\n'), /CloudTrail LookupEvents failed: ThrottlingException: Rate exceeded/);
  });

  it('audits in the partition of the caller', async () => {
    const org = organization({ partition: 'aws-us-gov' });
    const run = await runAudit(options({ includeAccounts: [MEMBER] }), simulatedClientFactory(org));
    assert.equal(run.partition, 'aws-us-gov');
    assert.equal(org.callLog.find((call) => call.operation === 'AssumeRole')?.input.RoleArn, `arn:aws-us-gov:iam::${MEMBER}:role/Audit`);
    assert.equal(byId(run.accounts, MEMBER).coverage.audited, 'yes');
  });

  it('stamps the run with one timestamp from the injected clock', async () => {
    const now = new Date('2024-01-31T12:00:00.000Z');
    const org = organization({ now: () => now });
    const run = await runAudit(options({ runTime: now, includeAccounts: [MEMBER] }), simulatedClientFactory(org));
    assert.equal(run.runTimestamp, '20240131T120000Z');
    assert.equal(run.startedAt, '2024-01-31T12:00:00.000Z');
    assert.ok(run.finishedAt >= run.startedAt);
    assert.equal(org.callLog.find((call) => call.operation === 'AssumeRole')?.input.RoleSessionName, 'iam-audit-20240131T120000Z');
    const lookup = org.callLog.find((call) => call.operation === 'LookupEvents');
    assert.equal((lookup?.input.StartTime as Date).toISOString(), '2023-11-02T12:00:00.000Z');
    assert.deepEqual(run.cloudTrail, { enabled: true, region: 'us-east-1', sinceDays: 90 });
    const clocked = await runAudit(options({ includeAccounts: [MEMBER] }), simulatedClientFactory(org), {}, () => now);
    assert.equal(clocked.runTimestamp, '20240131T120000Z', 'without a run time, the clock given sets the reference time');
  });
});

describe('account coverage', () => {
  const account: OrgAccount = { id: MEMBER, name: 'workloads', state: 'ACTIVE', isManagementAccount: false };

  it('decides skips: filters before state', () => {
    assert.equal(skipDecision(account, {}), null);
    assert.deepEqual(skipDecision({ ...account, state: 'SUSPENDED' }, { excludeAccounts: [MEMBER] }), { skipped: 'filter', reason: 'excluded by --exclude-accounts' });
    assert.deepEqual(skipDecision({ ...account, state: 'SUSPENDED' }, {}), { skipped: 'state', reason: 'account state is SUSPENDED' });
    const skipped = skippedAccountAudit(account, { skipped: 'state', reason: 'account state is SUSPENDED' });
    assert.deepEqual(skipped.coverage.errors, [{ kind: 'skipped', detail: 'account state is SUSPENDED' }]);
    assert.deepEqual(skipped.coverage.errors.map(coverageReasonText), ['skipped: account state is SUSPENDED']);
    assert.equal(skipDecision(account, { includeAccounts: [] }), null, 'an empty --accounts list filters nothing');
  });

  it('is yes, partial or no from what the collectors gave', () => {
    const denied = new Error('User: x is not authorized');
    denied.name = 'AccessDenied';
    const users = (errors: CoverageReason[] = []): CollectorOutcome => ({ parts: { users: [], root: null, userSource: 'per-user' }, errors, collected: true });
    const events: CollectorOutcome = { parts: { events: [] }, errors: [], collected: true };
    const failed = (step: string, parts: CollectorOutcome['parts']): CollectorOutcome => ({ parts, errors: [failureReason(step, denied)], collected: false });
    const iamFailed = failed('IAM collection failed', { users: [], root: null, userSource: 'none' });
    assert.equal(collectedAccountAudit(account, [users(), events]).coverage.audited, 'yes');
    assert.equal(collectedAccountAudit(account, [users()]).coverage.audited, 'yes');
    const withErrors = collectedAccountAudit(account, [users([{ kind: 'incomplete', detail: 'ListMFADevices failed for user a' }])]);
    assert.deepEqual([withErrors.coverage.audited, withErrors.coverage.errors, withErrors.coverage.userSource], ['partial', [{ kind: 'incomplete', detail: 'ListMFADevices failed for user a' }], 'per-user']);
    const someFailed = collectedAccountAudit(account, [iamFailed, events]);
    assert.deepEqual([someFailed.coverage.audited, someFailed.coverage.errors, someFailed.coverage.userSource], ['partial', [{ kind: 'failed', detail: 'IAM collection failed: AccessDenied: User: x is not authorized' }], 'none']);
    assert.equal(collectedAccountAudit(account, [iamFailed]).coverage.audited, 'no');
    const allFailed = collectedAccountAudit(account, [iamFailed, failed('CloudTrail LookupEvents failed', { events: [] })]);
    assert.deepEqual([allFailed.coverage.audited, allFailed.coverage.errors.map((error) => error.detail.split(':')[0])], ['no', ['IAM collection failed', 'CloudTrail LookupEvents failed']]);
  });

  it('says so plainly when the endpoint answers with something that is not an AWS response', async () => {
    const unreadable = Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), {
      $metadata: { httpStatusCode: 500 },
    });
    const answering = { send: () => Promise.reject(unreadable) };
    const context: AccountCollectorContext = {
      account,
      now: new Date('2024-01-31T12:00:00Z'),
      settings: { cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 } },
      clients: {
        iam: () => assert.fail('not called'),
        cloudTrail: () => answering as unknown as CloudTrailClient,
        organizations: () => assert.fail('not called'),
      },
      run: new RunCache(),
    };
    const outcome = await cloudTrailCollector.run(context, failureReason);
    const audit = collectedAccountAudit(account, [{ parts: { users: [], root: null, userSource: 'per-user' }, errors: [], collected: true }, outcome]);
    assert.deepEqual(audit.coverage.errors, [
      { kind: 'failed', detail: 'CloudTrail LookupEvents failed: the endpoint answered HTTP 500 with a response that is not the API\'s (Unexpected token \'<\', "<!doctype "... is not valid JSON)' },
    ]);
    assert.deepEqual([audit.coverage.audited, audit.events], ['partial', []]);
  });

  it('formats the run timestamp for file names', () => {
    assert.equal(formatRunTimestamp(new Date('2024-01-31T12:00:00.123Z')), '20240131T120000Z');
  });
});

describe('default client factory', () => {
  const saved: Record<string, string | undefined> = {};
  const environment = {
    AWS_ENDPOINT_URL: 'http://aws-compatible.example:4566',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
    AWS_REGION: 'eu-west-1',
  };
  beforeEach(() => {
    for (const [name, value] of Object.entries(environment)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const name of Object.keys(environment)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('uses adaptive retry with a floor under its rate, one limiter per client, and leaves the endpoint to AWS_ENDPOINT_URL', async () => {
    const clients = defaultClientFactory({});
    const organizations = clients.organizations();
    const strategy = (await organizations.config.retryStrategy()) as unknown as { mode: string; maxAttemptsProvider(): Promise<number>; rateLimiter: { minFillRate: number } };
    assert.equal(strategy.mode, 'adaptive');
    assert.equal(await strategy.maxAttemptsProvider(), DEFAULT_MAX_ATTEMPTS);
    assert.equal(strategy.rateLimiter.minFillRate, ADAPTIVE_MIN_CALLS_PER_SECOND);
    const credentials = async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
    const [first, second] = await Promise.all([clients.iam(credentials).config.retryStrategy(), clients.iam(credentials).config.retryStrategy()]);
    assert.notStrictEqual(first, second, 'each account client has its own rate limiter');
    assert.equal(await organizations.config.region(), 'eu-west-1');
    assert.strictEqual(clients.organizations(), organizations, 'management-side clients are shared');
    let requestedHost = '';
    organizations.middlewareStack.add(
      () => async (args) => {
        requestedHost = (args.request as { hostname: string }).hostname;
        return { output: { $metadata: {}, Accounts: [] }, response: {} };
      },
      { step: 'deserialize', priority: 'high' },
    );
    await organizations.send(new ListAccountsCommand({}));
    assert.equal(requestedHost, 'aws-compatible.example');
  });

  it('takes the region from the options, then the environment, then us-east-1', () => {
    assert.equal(resolveRegion('ap-south-1', { AWS_REGION: 'eu-west-1' }), 'ap-south-1');
    assert.equal(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'eu-central-1' }), 'eu-central-1');
    assert.equal(resolveRegion(undefined, {}), 'us-east-1');
  });
});

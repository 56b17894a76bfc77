// A 2xx answer that is not the operation's answer (an empty body, an HTML page, XML of another
// operation) is a failed call, never an empty result: through the real SDK clients, their real
// deserializers and retries, and a local HTTP server that answers 200 with such bodies.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetAccountSummaryCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { parse } from 'csv-parse/sync';
import { main } from '../../../auditor/cli/audit-command';
import { malformedAnswerReason } from '../../../auditor/aws/clients';
import { SimulatedOrganization, simulatedClientFactory, type ConnectionFault } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const RUN_CLOCK = new Date('2024-03-01T12:00:00.000Z');
const RUN_TIMESTAMP = '20240301T120000Z';
const RUN_ID = 'a1b2c3';
/** The run's name in its file names: its timestamp and its id, which the tests fix. */
const RUN_NAME = `${RUN_TIMESTAMP}-${RUN_ID}`;

function organization(credentialReportContent?: string): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit' })
    .addAccount({ id: MANAGEMENT, name: 'Management', users: [{ name: 'admin', mfa: [{ type: 'hardware' }] }], root: { mfa: 'hardware' } })
    .addAccount({
      id: MEMBER,
      name: 'Member',
      users: [{ name: 'alice', mfa: [{ type: 'virtual' }], accessKeys: [{ id: 'AKIAALICEKEY00000001', created: '2019-05-01T00:00:00Z' }] }, { name: 'bob' }],
      root: { mfa: 'none', accessKeys: [{ created: '2018-01-01T00:00:00Z' }] },
      ...(credentialReportContent === undefined ? {} : { credentialReportContent }),
    });
}

async function runAudit(org: SimulatedOrganization, outDir: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(['--role', 'IamAudit', '--out-dir', outDir], {
    env: {},
    now: () => RUN_CLOCK,
    runId: () => RUN_ID,
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
    clientFactory: () => simulatedClientFactory(org, { maxAttempts: 2 }),
  });
  return { code, stderr };
}

async function coverage(outDir: string): Promise<Record<string, string>[]> {
  return parse(await readFile(path.join(outDir, `coverage_${RUN_NAME}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('answers checked before they count', () => {
  let scratch: string;
  let org: SimulatedOrganization;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-answers-'));
    org = organization();
  });
  afterEach(async () => {
    await org.close();
    await rm(scratch, { recursive: true, force: true });
  });

  describe('the client', () => {
    for (const fault of ['empty-200', 'html-200', 'foreign-xml-200'] as ConnectionFault[]) {
      it(`retries a ${fault} answer like a transient fault, then names the operation`, async () => {
        org.injectFault({ operation: 'GetAccountSummary', connection: fault, times: 1 });
        const iam = simulatedClientFactory(org, { maxAttempts: 2 }).iam(async () => org.managementCredentials());
        const output = await iam.send(new GetAccountSummaryCommand({}));
        assert.equal(output.$metadata.attempts, 2);
        assert.ok(output.SummaryMap, 'the second, genuine answer is the one read');

        org.injectFault({ operation: 'ListAccessKeys', connection: fault });
        await assert.rejects(iam.send(new ListAccessKeysCommand({ UserName: 'admin' })), (error: Error & { $metadata?: { attempts?: number } }) => {
          assert.equal(error.name, 'MalformedAnswer');
          assert.match(error.message, /^ListAccessKeys answered /);
          assert.equal(error.$metadata?.attempts, 2, 'as many attempts as the factory was given');
          return true;
        });
      });
    }

    it('refuses a JSON-protocol answer that is empty or HTML (Organizations)', async () => {
      org.injectFault({ operation: 'ListAccounts', connection: 'empty-200' });
      const organizations = simulatedClientFactory(org, { maxAttempts: 2 }).organizations();
      await assert.rejects(organizations.send(new ListAccountsCommand({})), { name: 'MalformedAnswer', message: /^ListAccounts answered an empty body/ });
    });

    it('tells each kind of body apart', () => {
      assert.equal(malformedAnswerReason('query', 'ListUsers', '', true), 'an empty body');
      assert.equal(malformedAnswerReason('query', 'ListUsers', 'garbage', true), 'a body that is not XML');
      assert.equal(malformedAnswerReason('query', 'ListUsers', '<html><body>x</body></html>', true), 'an HTML page');
      assert.equal(malformedAnswerReason('query', 'ListUsers', '<ListUsersResponse><ResponseMetadata/></ListUsersResponse>', true), 'XML without <ListUsersResult>');
      assert.equal(malformedAnswerReason('query', 'DeleteUser', '<DeleteUserResponse><ResponseMetadata/></DeleteUserResponse>', false), null);
      assert.equal(malformedAnswerReason('query', 'ListUsers', '<ListUsersResponse xmlns="x"><ListUsersResult><Users/></ListUsersResult></ListUsersResponse>', true), null);
      assert.equal(malformedAnswerReason('json', 'ListAccounts', '[]', true), 'JSON that is not an object');
      assert.equal(malformedAnswerReason('json', 'ListAccounts', '<!DOCTYPE html><html></html>', true), 'an HTML page');
      assert.equal(malformedAnswerReason('json', 'ListAccounts', '{"Accounts":[]}', true), null);
    });
  });

  describe('the audit', () => {
    for (const operation of ['ListAccessKeys', 'GetAccountSummary', 'ListMFADevices']) {
      it(`an empty 200 to ${operation} leaves the account partial, never audited, exit 2, naming the operation`, async () => {
        // The credential report would otherwise answer for keys and MFA: without it, the per-user path.
        org.injectFault({ operation: 'GetCredentialReport', accountId: MEMBER, error: 'AccessDenied' });
        org.injectFault({ operation: 'ListVirtualMFADevices', accountId: MEMBER, error: 'AccessDenied' });
        org.injectFault({ operation, accountId: MEMBER, connection: 'empty-200' });
        const outDir = path.join(scratch, 'out');
        const result = await runAudit(org, outDir);
        assert.equal(result.code, 2, result.stderr);
        const member = (await coverage(outDir)).find((row) => row.account_id === MEMBER);
        assert.notEqual(member?.audited, 'yes');
        assert.match(member?.audited ?? '', /^(partial|no)$/);
        assert.match(member?.error ?? '', new RegExp(`${operation} answered an empty body`));
        const management = (await coverage(outDir)).find((row) => row.account_id === MANAGEMENT);
        assert.equal(management?.audited, 'yes');
      });
    }
  });

  describe('the credential report', () => {
    const findingsLine = (stderr: string): string => /findings \d+ critical, \d+ high/.exec(stderr)?.[0] ?? '';
    for (const [label, content] of [['garbage', 'garbage\n'], ['empty', ''], ['an HTML page', '<!DOCTYPE html><html><body>Sign in</body></html>\n'], ['a header alone', 'user,arn,user_creation_time,password_enabled,mfa_active\n']]) {
      it(`${label} as the report is refused: the account is read user by user and keeps its findings`, async () => {
        const genuine = await runAudit(org, path.join(scratch, 'genuine'));
        await org.close();
        org = organization(content);
        const outDir = path.join(scratch, 'out');
        const result = await runAudit(org, outDir);
        assert.match(findingsLine(genuine.stderr), /[1-9]\d* critical/, genuine.stderr);
        assert.equal(findingsLine(result.stderr), findingsLine(genuine.stderr), result.stderr);
        const member = (await coverage(outDir)).find((row) => row.account_id === MEMBER);
        assert.equal(member?.audited, 'partial');
        assert.match(member?.error ?? '', /credential report/);
      });
    }
  });

  it('an organization that lists no account fails the run with exit 1, not a clean 0 of 0', async () => {
    const empty = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit' });
    const outDir = path.join(scratch, 'empty');
    const result = await runAudit(empty, outDir);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /ListAccounts listed no account/);
  });
});

// The clients' timeouts and abort, through the real SDK clients and their real Node handler: the
// simulated AWS sends a faulted request to a local server that never answers or drops it.
import assert from 'node:assert/strict';
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DEFAULT_MAX_ATTEMPTS, auditClientConfig, withAbortSignal } from '../../../auditor/aws/clients';
import { DEFAULT_CLIENT_TIMEOUTS } from '../../../auditor/values/client-timeouts';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const SHORT = { connectionMs: 500, requestMs: 1_000, socketIdleMs: 300 };

describe('AWS client timeouts', () => {
  let org: SimulatedOrganization;
  beforeEach(() => {
    org = new SimulatedOrganization({ managementAccountId: MANAGEMENT }).addAccount({ id: MANAGEMENT, name: 'management' }).addBucket('reports');
  });
  afterEach(() => org.close());

  it('gives every client the Node handler with a connection, request and idle timeout that throws', async () => {
    const handler = auditClientConfig({ region: 'us-east-1' }).requestHandler;
    // The handler resolves its configuration lazily; a request is what makes it.
    assert.deepEqual(
      await (handler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider.then((config) => [config.connectionTimeout, config.requestTimeout, config.socketTimeout, config.throwOnRequestTimeout]),
      [DEFAULT_CLIENT_TIMEOUTS.connectionMs, DEFAULT_CLIENT_TIMEOUTS.requestMs, DEFAULT_CLIENT_TIMEOUTS.socketIdleMs, true],
    );
  });

  it('retries a call the endpoint never answered, like any transient error', async () => {
    org.injectFault({ operation: 'GetAccountSummary', connection: 'hang', times: 1 });
    const iam = simulatedClientFactory(org, { timeouts: SHORT }).iam(async () => org.managementCredentials());
    const output = await iam.send(new GetAccountSummaryCommand({}));
    assert.equal(output.$metadata.attempts, 2);
    assert.equal(org.connectionFaults().received.hang, 1);
  });

  it('ends a call that is never answered with a TimeoutError after its attempts', async () => {
    org.injectFault({ operation: 'GetAccountSummary', connection: 'hang' });
    const iam = simulatedClientFactory(org, { timeouts: SHORT }).iam(async () => org.managementCredentials());
    await assert.rejects(iam.send(new GetAccountSummaryCommand({})), (error: Error & { $metadata?: { attempts?: number } }) => {
      assert.equal(error.name, 'TimeoutError');
      assert.match(error.message, /timed out after 300 ms of inactivity/);
      assert.equal(error.$metadata?.attempts, DEFAULT_MAX_ATTEMPTS);
      return true;
    });
    assert.equal(org.connectionFaults().received.hang, DEFAULT_MAX_ATTEMPTS);
  });

  it('retries a PutObject whose connection dropped while its body was sent', async () => {
    org.injectFault({ operation: 'PutObject', connection: 'drop', times: 1 });
    const s3 = simulatedClientFactory(org, { timeouts: SHORT }).s3();
    const body = Buffer.alloc(2 * 1024 * 1024, 'x');
    const output = await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'a.csv', Body: body }));
    assert.equal(output.$metadata.attempts, 2);
    assert.equal(org.connectionFaults().received.drop, 1);
    assert.ok(org.s3Object('reports', 'a.csv')?.body.equals(body));
    const read = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'a.csv' }));
    assert.equal((await read.Body?.transformToString())?.length, body.length);
  });

  it('cuts the call in flight when the signal aborts, and sends nothing after', async () => {
    org.injectFault({ operation: 'GetAccountSummary', connection: 'hang' });
    const iam = simulatedClientFactory(org, { timeouts: { connectionMs: 500, requestMs: 60_000, socketIdleMs: 60_000 } }).iam(async () => org.managementCredentials());
    const controller = new AbortController();
    const bound = withAbortSignal(iam, controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(bound.send(new GetAccountSummaryCommand({})), { name: 'AbortError' });
    assert.ok(Date.now() - started < 5_000, 'the hung request was cut, not waited out');
    const callsBefore = org.calls('GetAccountSummary');
    await assert.rejects(bound.send(new GetAccountSummaryCommand({})), { name: 'AbortError' });
    assert.equal(org.calls('GetAccountSummary'), callsBefore);
  });
});

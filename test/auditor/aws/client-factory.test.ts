// The default factory's clients, read back from the clients themselves: every one of them (the
// audited accounts' IAM as well as the auditor's own S3, SNS and Security Hub) retries the same
// way, with the same rate floor and the same timeouts. A client built with the SDK's defaults would
// have no timeouts at all and the standard retry mode.
import assert from 'node:assert/strict';
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import { ADAPTIVE_MIN_CALLS_PER_SECOND, DEFAULT_MAX_ATTEMPTS, defaultClientFactory } from '../../../auditor/aws/clients';
import { DEFAULT_CLIENT_TIMEOUTS } from '../../../auditor/values/client-timeouts';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

interface ResolvedRetry {
  mode: string;
  maxAttemptsProvider: () => Promise<number>;
  rateLimiter: { minFillRate: number };
}

interface ConfiguredClient {
  config: { retryStrategy: unknown; requestHandler: unknown };
}

async function settings(client: ConfiguredClient): Promise<unknown[]> {
  const strategy = (typeof client.config.retryStrategy === 'function' ? await (client.config.retryStrategy as () => Promise<unknown>)() : client.config.retryStrategy) as ResolvedRetry;
  const handler = client.config.requestHandler as { constructor: { name: string }; configProvider: Promise<Record<string, unknown>> };
  const timeouts = await handler.configProvider;
  return [
    strategy.mode,
    await strategy.maxAttemptsProvider(),
    strategy.rateLimiter.minFillRate,
    handler.constructor.name,
    timeouts.connectionTimeout,
    timeouts.requestTimeout,
    timeouts.socketTimeout,
    timeouts.throwOnRequestTimeout,
  ];
}

describe('default AWS client factory', () => {
  it('gives the Security Hub, S3 and SNS clients the IAM client\'s retry mode, rate floor and timeouts', async () => {
    const factory = defaultClientFactory({ region: 'us-east-1' });
    const credentials = async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
    const iam = await settings(factory.iam(credentials));
    assert.deepEqual(iam, ['adaptive', DEFAULT_MAX_ATTEMPTS, ADAPTIVE_MIN_CALLS_PER_SECOND, 'NodeHttpHandler', DEFAULT_CLIENT_TIMEOUTS.connectionMs, DEFAULT_CLIENT_TIMEOUTS.requestMs, DEFAULT_CLIENT_TIMEOUTS.socketIdleMs, true]);
    for (const [name, client] of [
      ['securityHub', factory.securityHub()],
      ['s3', factory.s3()],
      ['sns', factory.sns()],
      ['organizations', factory.organizations()],
      ['sts', factory.sts()],
      ['cloudTrail', factory.cloudTrail(credentials, 'us-east-1')],
    ] as const) {
      assert.deepEqual(await settings(client), iam, name);
    }
  });

  it('gives each audited account\'s IAM client a rate limiter of its own', async () => {
    const factory = defaultClientFactory({ region: 'us-east-1' });
    const credentials = async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
    const limiter = async (client: ConfiguredClient) => ((await (client.config.retryStrategy as () => Promise<unknown>)()) as ResolvedRetry).rateLimiter;
    assert.notEqual(await limiter(factory.iam(credentials)), await limiter(factory.iam(credentials)));
  });

  it('the simulated factory\'s maxAttempts is the number of attempts a call really makes', async () => {
    const org = new SimulatedOrganization({ managementAccountId: '111111111111' }).addAccount({ id: '111111111111', name: 'management' });
    org.injectFault({ operation: 'GetAccountSummary', error: 'Throttling' });
    const iam = simulatedClientFactory(org, { maxAttempts: 2 }).iam(async () => org.managementCredentials());
    await assert.rejects(iam.send(new GetAccountSummaryCommand({})), (error: Error & { $metadata?: { attempts?: number } }) => error.$metadata?.attempts === 2);
    assert.equal(org.calls('GetAccountSummary'), 2);
  });
});

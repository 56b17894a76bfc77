// The audit command as a process of its own (its real signal handling, exit and temporary files)
// against a simulated organization whose every call takes a while and one of whose accounts never
// answers: a run to stop in the middle. Started by test/auditor/cli/run-as-process.test.ts:
//   node -r ts-node/register test/support/simulated-audit-process.ts --role Audit --out-dir <dir> ...
// SIMULATED_FAULTS (comma separated) adds faults for one test:
//   s3-read-hang    every ListObjectsV2 and GetObject of bucket REPORTS_BUCKET is never answered
//   s3-upload-hang  every PutObject and CreateMultipartUpload is never answered
//   slow-unwinding  a call cut by its account's abort takes ten minutes to give up (a timer that
//                   holds the process), as a collector that does not unwind would
// SIMULATED_STOP_BUDGET_MS: the time after a stop that the uploads may take (default the real one).
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { runAsProcess } from '../../auditor/cli/run-as-process';
import { SimulatedOrganization, simulatedClientFactory } from '../../simulator/simulated-aws';

export const STUCK_ACCOUNT = '222222222222';
export const ACCOUNT_COUNT = 30;
export const REPORTS_BUCKET = 'reports';

const faults = new Set((process.env.SIMULATED_FAULTS ?? '').split(',').filter((fault) => fault !== ''));

const org = new SimulatedOrganization({ managementAccountId: '111111111111', auditRoleName: 'Audit', latencyMs: 100 });
org.addAccount({ id: '111111111111', name: 'management', users: [{ name: 'admin', password: {} }] });
org.addAccount({ id: STUCK_ACCOUNT, name: 'stuck', users: [{ name: 'alice', password: {} }] });
for (let index = 2; index < ACCOUNT_COUNT; index += 1) org.addAccount({ id: String(900000000000 + index), name: `member-${index}`, users: [{ name: `user-${index}`, password: {} }] });
org.injectFault({ operation: 'GetAccountSummary', accountId: STUCK_ACCOUNT, connection: 'hang' });
org.addBucket(REPORTS_BUCKET);
if (faults.has('s3-read-hang')) for (const operation of ['ListObjectsV2', 'GetObject']) org.injectFault({ operation, connection: 'hang' });
if (faults.has('s3-upload-hang')) for (const operation of ['PutObject', 'CreateMultipartUpload']) org.injectFault({ operation, connection: 'hang' });

/** Every call of `client` that its abort cuts takes ten minutes more to fail. */
function unwindingSlowly(client: { middlewareStack: MiddlewareStack<object, MetadataBearer> }): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') await new Promise((resolve) => setTimeout(resolve, 600_000));
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'unwindingSlowlyMiddleware' },
  );
}

const budget = process.env.SIMULATED_STOP_BUDGET_MS;
runAsProcess(process.argv.slice(2), {
  clientFactory: () => {
    const factory = simulatedClientFactory(org, { timeouts: { connectionMs: 5_000, requestMs: 600_000, socketIdleMs: 600_000 } });
    if (!faults.has('slow-unwinding')) return factory;
    return {
      ...factory,
      iam: (credentials) => {
        const client = factory.iam(credentials);
        unwindingSlowly(client as unknown as { middlewareStack: MiddlewareStack<object, MetadataBearer> });
        return client;
      },
    };
  },
  now: () => new Date('2024-03-01T12:00:00Z'),
  ...(budget === undefined ? {} : { stopNetworkBudgetMs: Number(budget) }),
});

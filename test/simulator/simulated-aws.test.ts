import { strict as assert } from 'assert';
import { paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import {
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMServiceException,
  ListMFADevicesCommand,
  NoSuchEntityException,
  paginateListUsers,
  paginateListVirtualMFADevices,
} from '@aws-sdk/client-iam';
import { AccessDeniedException, ListAccountsCommand, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CREDENTIAL_REPORT_HEADER } from '../../simulator/simulated-credential-report';
import { SimulatedOrganization, simulatedClientFactory } from '../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';

function organization(options: Partial<ConstructorParameters<typeof SimulatedOrganization>[0]> = {}): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', ...options })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount({
      id: MEMBER,
      name: 'workloads',
      root: { mfa: 'virtual', passwordLastUsed: '2024-01-02T03:04:05Z', accessKeys: [{ created: '2019-05-01T00:00:00Z' }] },
      users: [
        {
          name: 'alice',
          created: '2020-01-01T00:00:00Z',
          password: { lastUsed: '2024-01-10T08:00:00Z' },
          accessKeys: [{ id: 'AKIAALICE00000000001', created: '2020-02-01T00:00:00Z', lastUsed: { date: '2024-01-09T00:00:00Z', service: 's3', region: 'eu-west-1' } }],
          mfa: [{ type: 'virtual' }],
        },
        { name: 'bob', created: '2021-01-01T00:00:00Z', password: {}, mfa: [{ type: 'hardware', serial: 'GAHT12345678' }] },
        { name: 'carol', created: '2022-01-01T00:00:00Z', accessKeys: [{ created: '2022-01-01T00:00:00Z', status: 'Inactive' }], mfa: [{ type: 'security-key', id: 'key1' }] },
      ],
      events: [
        { eventName: 'CreateAccessKey', eventTime: '2024-01-05T00:00:00Z', username: 'admin', resources: [{ type: 'AWS::IAM::User', name: 'alice' }] },
        { eventName: 'ConsoleLogin', eventTime: '2024-01-06T00:00:00Z', username: 'root' },
        { eventName: 'DeleteUser', eventTime: '2024-01-07T00:00:00Z', username: 'admin' },
        { eventName: 'CreateUser', eventTime: '2024-01-08T00:00:00Z', username: 'admin', region: 'eu-west-1' },
      ],
    });
}

async function assumed(org: SimulatedOrganization, accountId: string): Promise<AwsCredentialIdentityProvider> {
  const clients = simulatedClientFactory(org);
  const answer = await clients.sts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/Audit`, RoleSessionName: 'test' }));
  const credentials = answer.Credentials;
  assert.ok(credentials?.AccessKeyId && credentials.SecretAccessKey && credentials.SessionToken && credentials.Expiration);
  return async () => ({ accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken, expiration: credentials.Expiration });
}

describe('simulated AWS', () => {
  it('pages ListAccounts with the real paginator and reports State or only the retired Status', async () => {
    const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, pageSizes: { organizations: 2 } });
    org.addAccounts(5, (index) => ({ id: String(300000000000 + index), name: `a${index}`, ...(index === 4 ? { state: 'SUSPENDED', stateField: 'Status' as const } : {}) }));
    const client = simulatedClientFactory(org).organizations();
    const seen = [];
    for await (const page of paginateListAccounts({ client }, {})) seen.push(...(page.Accounts ?? []));
    assert.deepEqual(seen.map((account) => account.Id), ['300000000000', '300000000001', '300000000002', '300000000003', '300000000004']);
    assert.equal(org.calls('ListAccounts'), 3);
    assert.equal(seen[0].State, 'ACTIVE');
    assert.equal(seen[4].State, undefined);
    assert.equal(seen[4].Status, 'SUSPENDED');
  });

  it('raises the SDK error classes, with $metadata', async () => {
    const org = organization().injectFault({ operation: 'ListAccounts', error: 'AccessDenied' });
    const clients = simulatedClientFactory(org);
    await assert.rejects(clients.organizations().send(new ListAccountsCommand({})), (error: unknown) => error instanceof AccessDeniedException && error.$metadata.httpStatusCode === 400);
    await assert.rejects(
      clients.sts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/Missing`, RoleSessionName: 'test' })),
      (error: unknown) =>
        error instanceof STSServiceException && error.name === 'AccessDenied' && (error as { Code?: string }).Code === 'AccessDenied' && error.message.includes(`not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER}:role/Missing`),
    );
    const iam = clients.iam(await assumed(org, MEMBER));
    await assert.rejects(
      iam.send(new GetLoginProfileCommand({ UserName: 'carol' })),
      (error: unknown) => error instanceof NoSuchEntityException && (error as { Code?: string }).Code === 'NoSuchEntity',
    );
    await assert.rejects(iam.send(new GetLoginProfileCommand({ UserName: 'nobody' })), NoSuchEntityException);
  });

  it('serves the credential report in the AWS CSV format after generation', async () => {
    const org = organization({ credentialReportInProgressCalls: 1 });
    const iam = simulatedClientFactory(org).iam(await assumed(org, MEMBER));
    await assert.rejects(iam.send(new GetCredentialReportCommand({})), CredentialReportNotPresentException);
    assert.equal((await iam.send(new GenerateCredentialReportCommand({}))).State, 'STARTED');
    await assert.rejects(iam.send(new GetCredentialReportCommand({})), CredentialReportNotReadyException);
    const report = await iam.send(new GetCredentialReportCommand({}));
    const lines = new TextDecoder().decode(report.Content).split('\n');
    assert.equal(lines[0], CREDENTIAL_REPORT_HEADER);
    assert.equal(lines.length, 5);
    assert.equal(
      lines[1],
      `<root_account>,arn:aws:iam::${MEMBER}:root,2015-01-01T00:00:00+00:00,not_supported,2024-01-02T03:04:05+00:00,not_supported,not_supported,true,true,2019-05-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    );
    assert.equal(
      lines[2],
      `alice,arn:aws:iam::${MEMBER}:user/alice,2020-01-01T00:00:00+00:00,true,2024-01-10T08:00:00+00:00,2020-01-01T00:00:00+00:00,N/A,true,true,2020-02-01T00:00:00+00:00,2024-01-09T00:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    );
    assert.match(lines[3], /^bob,[^,]+,[^,]+,true,no_information,/);
    assert.match(lines[4], /^carol,[^,]+,[^,]+,false,N\/A,N\/A,N\/A,true,false,2022-01-01T00:00:00\+00:00,N\/A,N\/A,N\/A,false,/);
  });

  it('pages IAM lists with Marker and serves MFA serials by device type', async () => {
    const org = organization({ pageSizes: { iam: 1 } });
    const iam = simulatedClientFactory(org).iam(await assumed(org, MEMBER));
    const users = [];
    for await (const page of paginateListUsers({ client: iam }, {})) users.push(...(page.Users ?? []).map((user) => user.UserName));
    assert.deepEqual(users, ['alice', 'bob', 'carol']);
    assert.equal(org.calls('ListUsers', MEMBER), 3);
    const virtual = [];
    for await (const page of paginateListVirtualMFADevices({ client: iam }, { AssignmentStatus: 'Assigned' })) virtual.push(...(page.VirtualMFADevices ?? []));
    assert.deepEqual(virtual.map((device) => device.SerialNumber), [`arn:aws:iam::${MEMBER}:mfa/root-account-mfa-device`, `arn:aws:iam::${MEMBER}:mfa/alice`]);
    assert.equal(virtual[0].User?.Arn, `arn:aws:iam::${MEMBER}:root`);
    const bob = await iam.send(new ListMFADevicesCommand({ UserName: 'bob' }));
    assert.equal(bob.MFADevices?.[0].SerialNumber, 'GAHT12345678');
    const carol = await iam.send(new ListMFADevicesCommand({ UserName: 'carol' }));
    assert.equal(carol.MFADevices?.[0].SerialNumber, `arn:aws:iam::${MEMBER}:u2f/user/carol/key1`);
    const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAALICE00000000001' }));
    assert.equal(lastUsed.AccessKeyLastUsed?.ServiceName, 's3');
  });

  it('answers for the account whose assumed credentials signed the call', async () => {
    const org = organization();
    const clients = simulatedClientFactory(org);
    const identity = await clients.sts().send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, `arn:aws:iam::${MANAGEMENT}:user/auditor`);
    const managementIam = clients.iam(await assumed(org, MANAGEMENT));
    const users = [];
    for await (const page of paginateListUsers({ client: managementIam }, {})) users.push(...(page.Users ?? []));
    assert.equal(users.length, 0);
    assert.equal(org.calls('ListUsers', MANAGEMENT), 1);
  });

  it('gives the auditor a role session instead of a user key when asked, and names it in refusals', async () => {
    const org = organization({ caller: { role: 'auditor-task-role', session: 'task-0123' } });
    const credentials = org.managementCredentials();
    assert.match(credentials.accessKeyId, /^ASIA/);
    assert.ok(credentials.sessionToken !== undefined && credentials.expiration !== undefined && credentials.expiration.getTime() > Date.now());
    const sts = simulatedClientFactory(org).sts();
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, `arn:aws:sts::${MANAGEMENT}:assumed-role/auditor-task-role/task-0123`);
    assert.equal(identity.UserId, `AROA${MANAGEMENT}:task-0123`);
    await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999999999999:role/Audit', RoleSessionName: 'probe' })), (error: Error) => {
      assert.match(error.message, new RegExp(`User: arn:aws:sts::${MANAGEMENT}:assumed-role/auditor-task-role/task-0123 is not authorized to perform: sts:AssumeRole`));
      return true;
    });
    // The default is still an IAM user's long-lived key.
    assert.match(organization().managementCredentials().accessKeyId, /^AKIA/);
    assert.equal(organization().managementCredentials().sessionToken, undefined);
  });

  it('filters and pages LookupEvents by attribute, time window and region', async () => {
    const org = organization({ pageSizes: { cloudTrail: 1 } });
    const cloudTrail = simulatedClientFactory(org).cloudTrail(await assumed(org, MEMBER), 'us-east-1');
    const events = [];
    for await (const page of paginateLookupEvents(
      { client: cloudTrail },
      { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }], StartTime: new Date('2024-01-01T00:00:00Z'), EndTime: new Date('2024-02-01T00:00:00Z') },
    )) {
      events.push(...(page.Events ?? []));
    }
    assert.deepEqual(events.map((event) => event.EventName), ['DeleteUser', 'CreateAccessKey']);
    assert.equal(org.calls('LookupEvents', MEMBER), 2);
    assert.equal(JSON.parse(events[1].CloudTrailEvent ?? '{}').eventName, 'CreateAccessKey');
  });

  it('throttles so that the SDK really retries, and counts it', async () => {
    const org = organization().injectFault({ operation: 'ListUsers', accountId: MEMBER, error: 'Throttling', times: 2 });
    const iam = simulatedClientFactory(org).iam(await assumed(org, MEMBER));
    const pages = [];
    for await (const page of paginateListUsers({ client: iam }, {})) pages.push(page);
    assert.equal(pages[0].$metadata.attempts, 3);
    assert.equal(org.throttles('ListUsers'), 2);
    assert.equal(org.calls('ListUsers', MEMBER), 3);
  });

  it('throttles the same calls for the same seed, whatever order the accounts call in', async () => {
    const throttledPerAccount = async (order: string[]): Promise<number[]> => {
      const org = organization({ randomThrottling: { rate: 0.3, seed: 11 } });
      const clients = simulatedClientFactory(org, { maxAttempts: 1 });
      const credentials = new Map<string, AwsCredentialIdentityProvider>();
      for (const accountId of order) credentials.set(accountId, await assumed(org, accountId));
      for (let round = 0; round < 20; round += 1) {
        for (const accountId of order) {
          // A new client per call, so nothing a client keeps (its rate limiter, its retry quota) carries over.
          const iam = clients.iam(credentials.get(accountId) ?? (await assumed(org, accountId)));
          await iam.send(new ListMFADevicesCommand({ UserName: 'alice' })).catch(() => undefined);
        }
      }
      return [org.throttles(undefined, MANAGEMENT), org.throttles(undefined, MEMBER)];
    };
    const forwards = await throttledPerAccount([MANAGEMENT, MEMBER]);
    const backwards = await throttledPerAccount([MEMBER, MANAGEMENT]);
    assert.deepEqual(forwards, backwards);
    assert.ok(forwards[0] + forwards[1] > 0, 'some calls were throttled');
  });

  it('rejects calls signed with expired session credentials', async () => {
    let now = new Date('2024-01-01T00:00:00Z');
    const org = organization({ now: () => now, sessionDurationSeconds: 900 });
    const iam = simulatedClientFactory(org, { maxAttempts: 1 }).iam(await assumed(org, MEMBER));
    now = new Date('2024-01-01T00:20:00Z');
    await assert.rejects(iam.send(new GetLoginProfileCommand({ UserName: 'alice' })), (error: unknown) => error instanceof IAMServiceException && error.name === 'ExpiredToken');
  });
});

import { strict as assert } from 'assert';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { collectRemediationEvents } from '../../../auditor/collectors/cloudtrail';
import { collectUsersAndRoot } from '../../../auditor/collectors/users-and-root';
import { assumedRoleCredentials } from '../../../auditor/aws/credentials';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';
import { coverageReasonText } from '../../../auditor/coverage-reasons';

// The collectors through real SDK clients, paginators and error classes, against the shared
// simulated organization: what a member account holds is what the collectors must report, in the
// number of calls the design allows.

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const noWait = async (): Promise<void> => undefined;

function organization(options: { iamPageSize?: number; credentialReportInProgressCalls?: number } = {}): SimulatedOrganization {
  return new SimulatedOrganization({
    managementAccountId: MANAGEMENT,
    auditRoleName: 'Audit',
    recordCalls: true,
    pageSizes: { iam: options.iamPageSize ?? 100 },
    credentialReportInProgressCalls: options.credentialReportInProgressCalls,
  })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount({
      id: MEMBER,
      name: 'workloads',
      root: { mfa: 'hardware', passwordLastUsed: null, accessKeys: [{ created: '2019-05-01T00:00:00Z' }] },
      users: [
        {
          name: 'alice',
          password: { lastUsed: '2024-01-10T08:00:00Z' },
          accessKeys: [
            { id: 'AKIAALICE00000000001', created: '2020-02-01T00:00:00Z', lastUsed: { date: '2024-01-09T00:00:00Z', service: 's3', region: 'eu-west-1' } },
            { id: 'AKIAALICE00000000002', created: '2023-02-01T00:00:00Z', status: 'Inactive' },
          ],
          mfa: [{ type: 'virtual' }],
        },
        { name: 'bob', password: { lastUsed: null } },
        { name: 'carol', mfa: [{ type: 'hardware', serial: 'GAHT12345678' }, { type: 'security-key', id: 'key1' }] },
        ...Array.from({ length: 5 }, (_, index) => ({ name: `svc${index}`, accessKeys: [{ created: `2018-0${index + 1}-01T00:00:00Z` }] })),
      ],
      events: [
        { eventName: 'CreateAccessKey', eventTime: '2024-01-05T00:00:00Z', username: 'admin', resources: [{ type: 'AWS::IAM::User', name: 'alice' }] },
        { eventName: 'ListUsers', eventTime: '2024-01-05T01:00:00Z', username: 'admin' },
        { eventName: 'ConsoleLogin', eventTime: '2024-01-06T00:00:00Z', username: 'root' },
        { eventName: 'ConsoleLogin', eventTime: '2024-01-06T01:00:00Z', username: 'root', consoleLogin: 'Failure' },
        { eventName: 'ConsoleLogin', eventTime: '2024-01-06T02:00:00Z', username: 'bob' },
        { eventName: 'DeleteUser', eventTime: '2024-01-07T00:00:00Z', username: 'admin', errorCode: 'AccessDenied' },
      ],
    });
}

function memberCredentials(org: SimulatedOrganization): AwsCredentialIdentityProvider {
  return assumedRoleCredentials({
    sts: simulatedClientFactory(org).sts(),
    partition: 'aws',
    accountId: MEMBER,
    roleName: 'Audit',
    sessionName: 'collector-test',
  });
}

describe('collectors against the simulated organization', () => {
  it('report every user, key, MFA type and root credential of a member account', async () => {
    const org = organization({ iamPageSize: 2, credentialReportInProgressCalls: 1 });
    const iam = simulatedClientFactory(org).iam(memberCredentials(org));

    const collection = await collectUsersAndRoot(iam, { now: new Date(), sleep: noWait });

    assert.equal(collection.source, 'credential-report');
    assert.deepEqual(collection.errors, []);
    assert.deepEqual(collection.users.map((user) => user.userName), ['alice', 'bob', 'carol', 'svc0', 'svc1', 'svc2', 'svc3', 'svc4']);
    const byName = new Map(collection.users.map((user) => [user.userName, user]));
    const alice = byName.get('alice')!;
    assert.equal(alice.mfaType, 'Virtual');
    assert.equal(alice.passwordLastUsed, '2024-01-10T08:00:00.000Z');
    assert.deepEqual(
      alice.accessKeys.map((key) => [key.accessKeyId, key.status, key.lastUsedDate, key.lastUsedService]).sort(),
      [
        ['AKIAALICE00000000001', 'Active', '2024-01-09T00:00:00.000Z', 's3'],
        ['AKIAALICE00000000002', 'Inactive', null, null],
      ],
    );
    assert.equal(byName.get('bob')!.passwordEnabled, true);
    assert.equal(byName.get('bob')!.passwordLastUsed, null);
    assert.equal(byName.get('bob')!.mfaType, 'None');
    assert.equal(byName.get('carol')!.mfaType, 'SecurityKey');
    assert.equal(byName.get('carol')!.mfaDevices.length, 2);
    assert.equal(byName.get('svc3')!.accessKeys[0].createdDate, '2018-04-01T00:00:00.000Z');
    assert.deepEqual(collection.root, {
      mfaEnabled: true,
      mfaType: 'Hardware',
      accessKeysActive: true,
      accessKeysPresent: 1,
      // GetAccountSummary's AccountPasswordPresent: the report's root row says `not_supported`.
      passwordEnabled: true,
      passwordLastUsed: null,
      signingCertificatesActive: false,
    });

    // At most 6 account-wide calls (the report generated while waiting out one in-progress answer),
    // then one ListAccessKeys per user with keys and one ListMFADevices for carol, nothing per user else.
    const counts = org.callCounts(MEMBER);
    const accountWide = counts.GenerateCredentialReport + counts.GetCredentialReport + counts.GetAccountSummary + counts.ListVirtualMFADevices;
    assert.ok(accountWide <= 6, `account-wide calls: ${JSON.stringify(counts)}`);
    assert.equal(counts.ListAccessKeys, 6);
    assert.equal(counts.ListMFADevices, 1);
    assert.equal(counts.ListUsers ?? 0, 0);
    assert.equal(counts.GetAccessKeyLastUsed ?? 0, 0);
    assert.equal(counts.GetLoginProfile ?? 0, 0);
  });

  it('fall back to per-user calls when the credential report is denied', async () => {
    const org = organization();
    org.injectFault({ operation: 'GenerateCredentialReport', accountId: MEMBER, error: 'AccessDenied' });
    const iam = simulatedClientFactory(org).iam(memberCredentials(org));

    const collection = await collectUsersAndRoot(iam, { now: new Date(), sleep: noWait });

    assert.equal(collection.source, 'per-user');
    assert.match(collection.errors.map(coverageReasonText).join('\n'), /credential report could not be had/);
    assert.equal(collection.users.length, 8);
    const alice = collection.users.find((user) => user.userName === 'alice')!;
    assert.equal(alice.accessKeys.find((key) => key.accessKeyId === 'AKIAALICE00000000001')?.lastUsedService, 's3');
    assert.equal(collection.users.find((user) => user.userName === 'carol')!.mfaType, 'SecurityKey');
  });

  it('collect the remediation timeline of a member account', async () => {
    const org = organization();
    const cloudTrail = simulatedClientFactory(org).cloudTrail(memberCredentials(org), 'us-east-1');

    const events = await collectRemediationEvents(cloudTrail, {
      accountId: MEMBER,
      accountName: 'workloads',
      startTime: new Date('2024-01-01T00:00:00Z'),
      endTime: new Date('2024-02-01T00:00:00Z'),
    });

    assert.deepEqual(
      events.map((event) => [event.eventName, event.username, event.resources, event.eventSource]),
      [
        ['CreateAccessKey', 'admin', ['alice'], 'iam.amazonaws.com'],
        ['ConsoleLogin', 'root', [], 'signin.amazonaws.com'],
      ],
    );
  });
});

import { strict as assert } from 'assert';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { collectRemediationEvents } from '../../../auditor/collectors/cloudtrail';
import { collectUsersAndRoot } from '../../../auditor/collectors/users-and-root';
import { AUDIT_ROLE_ACTIONS } from '../../../auditor/permissions';
import { collectInventory } from '../../../auditor/collectors/inventory';
import { IDENTITY_CENTER_ACTIONS } from '../../../auditor/collectors/identity-center';

const mockIam = () => mockClient(IAMClient);
const mockCloudTrail = () => mockClient(CloudTrailClient);

// The audit role is built from AUDIT_ROLE_ACTIONS: a call the list lacks would be denied in every
// account, an action the code never calls would be a needless grant. Run every path of the
// collectors and compare what they called with the list.

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date',
  '<root_account>,arn:aws:iam::111122223333:root,2019-01-01T00:00:00+00:00,not_supported,no_information,true,false,N/A,N/A',
  'tom,arn:aws:iam::111122223333:user/tom,2020-01-01T00:00:00+00:00,true,N/A,true,true,2020-01-01T00:00:00+00:00,N/A',
].join('\n');

function actionOf(command: object): string {
  const name = command.constructor.name.replace(/Command$/, '');
  return command instanceof LookupEventsCommand ? `cloudtrail:${name}` : `iam:${name}`;
}

describe('audit role actions', () => {
  let iamMock: ReturnType<typeof mockIam>;
  let cloudTrailMock: ReturnType<typeof mockCloudTrail>;
  before(() => {
    iamMock = mockIam();
    cloudTrailMock = mockCloudTrail();
  });
  after(() => {
    iamMock.restore();
    cloudTrailMock.restore();
  });

  function serveTom(): void {
    iamMock.reset();
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(REPORT) });
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: { AccountMFAEnabled: 1 } });
    iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [] });
    iamMock.on(ListMFADevicesCommand).resolves({ MFADevices: [{ UserName: 'tom', SerialNumber: 'GAHT1', EnableDate: new Date() }] });
    // Created at another second than the report says: its last use must be asked for.
    iamMock
      .on(ListAccessKeysCommand)
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIATOM0000000000001', Status: 'Active', CreateDate: new Date('2020-01-01T00:00:09Z') }] });
    iamMock.on(GetAccessKeyLastUsedCommand).resolves({ AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    iamMock.on(ListUsersCommand).resolves({ Users: [{ UserName: 'tom', Arn: 'arn:aws:iam::111122223333:user/tom', Path: '/', UserId: 'AIDATOM', CreateDate: new Date() }] });
    iamMock.on(GetLoginProfileCommand).resolves({ LoginProfile: { UserName: 'tom', CreateDate: new Date() } });
  }

  it('are exactly the actions the collectors call', async () => {
    const called = new Set<string>();
    const iam = new IAMClient({ region: 'us-east-1' });
    const now = new Date();

    serveTom();
    await collectUsersAndRoot(iam, { now, sleep: async () => undefined });
    iamMock.calls().forEach((call) => called.add(actionOf(call.args[0])));

    serveTom();
    iamMock.on(GenerateCredentialReportCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await collectUsersAndRoot(iam, { now, sleep: async () => undefined });
    iamMock.calls().forEach((call) => called.add(actionOf(call.args[0])));

    iamMock.reset();
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [], RoleDetailList: [], GroupDetailList: [], Policies: [] });
    iamMock.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 14 } });
    await collectInventory(iam);
    iamMock.calls().forEach((call) => called.add(actionOf(call.args[0])));

    cloudTrailMock.reset();
    cloudTrailMock.on(LookupEventsCommand).resolves({ Events: [] });
    await collectRemediationEvents(new CloudTrailClient({ region: 'us-east-1' }), {
      accountId: '111122223333',
      accountName: 'a',
      startTime: new Date(0),
      endTime: now,
    });
    cloudTrailMock.calls().forEach((call) => called.add(actionOf(call.args[0])));

    // Identity Center's actions are compared with its collector's calls in identity-center.simulated.test.ts.
    const identityCenter = new Set<string>(IDENTITY_CENTER_ACTIONS);
    assert.deepEqual([...called].sort(), [...AUDIT_ROLE_ACTIONS].filter((action) => !identityCenter.has(action)).sort());
  });
});

import { strict as assert } from 'assert';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { collectUsersAndRoot, type UsersAndRootCollection } from '../../../auditor/collectors/users-and-root';
import type { IamUserRecord } from '../../../auditor/model';
import { coverageReasonText } from '../../../auditor/coverage-reasons';

const mockIam = () => mockClient(IAMClient);

// A small IAM account served through aws-sdk-client-mock: the credential report is built from the
// same users the list APIs page through, so each test states the account once.

const ACCOUNT_ID = '111122223333';
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const NOW = new Date('2024-06-01T12:00:00Z');

interface KeySpec {
  id: string;
  status?: 'Active' | 'Inactive';
  created: string;
  lastUsed?: { date: string; service: string; region: string };
}
interface UserSpec {
  name: string;
  created?: string;
  password?: { lastUsed?: string };
  keys?: KeySpec[];
  /** Serials: `arn:...:mfa/...` are virtual devices, the rest hardware tokens or FIDO keys. */
  devices?: string[];
}
interface RootSpec {
  mfa: 'virtual' | 'hardware' | 'none';
  keys?: KeySpec[];
  passwordLastUsed?: string;
}
interface AccountSpec {
  users: UserSpec[];
  root?: RootSpec;
  /** Items per page of every list call. */
  pageSize?: number;
  generatedTime?: Date;
  /** Users the report does not know about (created after it was generated). */
  usersAfterReport?: UserSpec[];
}

function reportDate(iso: string | undefined, none = 'N/A'): string {
  return iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00') : none;
}

function keyColumns(key: KeySpec | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  return [
    String((key.status ?? 'Active') === 'Active'),
    reportDate(key.created),
    reportDate(key.lastUsed?.date),
    key.lastUsed?.region ?? 'N/A',
    key.lastUsed?.service ?? 'N/A',
  ];
}

function userArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:user/${name}`;
}

function reportCsv(spec: AccountSpec): string {
  const root = spec.root ?? { mfa: 'none' };
  const rows = [
    HEADER,
    [
      '<root_account>',
      `arn:aws:iam::${ACCOUNT_ID}:root`,
      '2019-01-01T00:00:00+00:00',
      'not_supported',
      reportDate(root.passwordLastUsed, 'no_information'),
      'not_supported',
      'not_supported',
      String(root.mfa !== 'none'),
      ...keyColumns(root.keys?.[0]),
      ...keyColumns(root.keys?.[1]),
      'false,N/A,false,N/A',
    ].join(','),
    ...spec.users.map((user) =>
      [
        user.name,
        userArn(user.name),
        reportDate(user.created ?? '2020-01-01T00:00:00Z'),
        String(user.password !== undefined),
        user.password ? reportDate(user.password.lastUsed) : 'N/A',
        user.password ? '2020-01-02T00:00:00+00:00' : 'N/A',
        'N/A',
        String((user.devices ?? []).length > 0),
        ...keyColumns(user.keys?.[0]),
        ...keyColumns(user.keys?.[1]),
        'false,N/A,false,N/A',
      ].join(','),
    ),
  ];
  return rows.join('\n');
}

function page<T>(items: T[], marker: string | undefined, pageSize: number): { items: T[]; Marker?: string; IsTruncated: boolean } {
  const start = marker ? Number(marker) : 0;
  const end = start + pageSize;
  return end < items.length
    ? { items: items.slice(start, end), Marker: String(end), IsTruncated: true }
    : { items: items.slice(start), IsTruncated: false };
}

function denied(action: string): IAMServiceException {
  return new IAMServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/Audit/s is not authorized to perform: iam:${action}`,
  });
}

function noSuchEntity(what: string): NoSuchEntityException {
  return new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message: `${what} cannot be found.` });
}

// Installed for this file's suite only: other suites use real clients.
let iamMock: ReturnType<typeof mockIam>;
const iam = new IAMClient({ region: 'us-east-1' });
const noWait = async (): Promise<void> => undefined;

function serveAccount(spec: AccountSpec): void {
  const pageSize = spec.pageSize ?? 100;
  const currentUsers = [...spec.users, ...(spec.usersAfterReport ?? [])];
  const findUser = (name: string | undefined): UserSpec => {
    const user = currentUsers.find((candidate) => candidate.name === name);
    if (!user) throw noSuchEntity(`The user with name ${name}`);
    return user;
  };
  const rootSpec = spec.root ?? { mfa: 'none' };

  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iamMock.on(GetCredentialReportCommand).callsFake(() => ({
    Content: new TextEncoder().encode(reportCsv(spec)),
    ReportFormat: 'text/csv',
    GeneratedTime: spec.generatedTime ?? NOW,
  }));
  iamMock.on(GetAccountSummaryCommand).resolves({
    SummaryMap: {
      AccountMFAEnabled: rootSpec.mfa === 'none' ? 0 : 1,
      AccountAccessKeysPresent: (rootSpec.keys ?? []).length,
      Users: currentUsers.length,
    },
  });
  iamMock.on(ListVirtualMFADevicesCommand).callsFake((input: { Marker?: string; AssignmentStatus?: string }) => {
    assert.equal(input.AssignmentStatus, 'Assigned');
    const devices = currentUsers.flatMap((user) =>
      (user.devices ?? [])
        .filter((serial) => serial.includes(':mfa/'))
        .map((serial) => ({ SerialNumber: serial, EnableDate: new Date('2023-01-01T00:00:00Z'), User: { UserName: user.name, Arn: userArn(user.name), Path: '/', UserId: 'AIDA', CreateDate: new Date() } })),
    );
    if (rootSpec.mfa === 'virtual') {
      devices.push({
        SerialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`,
        EnableDate: new Date('2022-01-01T00:00:00Z'),
        User: { UserName: ACCOUNT_ID, Arn: `arn:aws:iam::${ACCOUNT_ID}:root`, Path: '/', UserId: ACCOUNT_ID, CreateDate: new Date() },
      });
    }
    const { items, ...rest } = page(devices, input.Marker, pageSize);
    return { VirtualMFADevices: items, ...rest };
  });
  iamMock.on(ListMFADevicesCommand).callsFake((input: { UserName?: string; Marker?: string }) => {
    const user = findUser(input.UserName);
    const devices = (user.devices ?? []).map((serial) => ({ UserName: user.name, SerialNumber: serial, EnableDate: new Date('2023-02-02T00:00:00Z') }));
    const { items, ...rest } = page(devices, input.Marker, pageSize);
    return { MFADevices: items, ...rest };
  });
  iamMock.on(ListAccessKeysCommand).callsFake((input: { UserName?: string; Marker?: string }) => {
    const user = findUser(input.UserName);
    // Newest first, unlike the report's column order, so matching cannot rely on position.
    const keys = [...(user.keys ?? [])].reverse().map((key) => ({
      UserName: user.name,
      AccessKeyId: key.id,
      Status: key.status ?? 'Active',
      CreateDate: new Date(key.created),
    }));
    const { items, ...rest } = page(keys, input.Marker, pageSize);
    return { AccessKeyMetadata: items, ...rest };
  });
  iamMock.on(GetAccessKeyLastUsedCommand).callsFake((input: { AccessKeyId?: string }) => {
    const owner = currentUsers.find((user) => (user.keys ?? []).some((key) => key.id === input.AccessKeyId));
    const key = owner?.keys?.find((candidate) => candidate.id === input.AccessKeyId);
    if (!owner || !key) throw noSuchEntity(`The Access Key with id ${input.AccessKeyId}`);
    return {
      UserName: owner.name,
      AccessKeyLastUsed: key.lastUsed
        ? { LastUsedDate: new Date(key.lastUsed.date), ServiceName: key.lastUsed.service, Region: key.lastUsed.region }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  });
  iamMock.on(ListUsersCommand).callsFake((input: { Marker?: string }) => {
    const users = currentUsers.map((user) => ({
      UserName: user.name,
      Arn: userArn(user.name),
      Path: '/',
      UserId: `AIDA${user.name.toUpperCase()}`,
      CreateDate: new Date(user.created ?? '2020-01-01T00:00:00Z'),
      PasswordLastUsed: user.password?.lastUsed ? new Date(user.password.lastUsed) : undefined,
    }));
    const { items, ...rest } = page(users, input.Marker, pageSize);
    return { Users: items, ...rest };
  });
  iamMock.on(GetLoginProfileCommand).callsFake((input: { UserName?: string }) => {
    const user = findUser(input.UserName);
    if (!user.password) throw noSuchEntity(`Login Profile for User ${user.name}`);
    return { LoginProfile: { UserName: user.name, CreateDate: new Date('2020-01-02T00:00:00Z') } };
  });
}

function user(collection: UsersAndRootCollection, name: string): IamUserRecord {
  const found = collection.users.find((candidate) => candidate.userName === name);
  assert.ok(found, `user ${name} is in the collection`);
  return found;
}

function usersCalledWith(command: typeof ListMFADevicesCommand | typeof ListAccessKeysCommand | typeof GetLoginProfileCommand): string[] {
  const names = iamMock
    .calls()
    .map((call) => call.args[0])
    .filter((sent) => sent instanceof command)
    .map((sent) => (sent.input as { UserName?: string }).UserName ?? '');
  return [...new Set(names)].sort();
}

const alice: UserSpec = { name: 'alice', password: { lastUsed: '2024-05-30T09:00:00Z' } };
const bob: UserSpec = {
  name: 'bob',
  devices: [`arn:aws:iam::${ACCOUNT_ID}:mfa/bob-phone`],
  keys: [
    { id: 'AKIABOBOLD0000000001', created: '2017-03-01T10:00:00Z', lastUsed: { date: '2024-05-01T00:00:00Z', service: 's3', region: 'eu-west-1' } },
    { id: 'AKIABOBNEW0000000002', status: 'Inactive', created: '2024-01-15T08:30:45Z' },
  ],
};
const carol: UserSpec = {
  name: 'carol',
  password: {},
  devices: ['GAHT12345678'],
  keys: [{ id: 'AKIACAROL00000000001', created: '2023-11-11T11:11:11Z', lastUsed: { date: '2024-05-31T23:59:00Z', service: 'sts', region: 'us-east-1' } }],
};
const dave: UserSpec = {
  name: 'dave',
  password: { lastUsed: '2024-04-01T00:00:00Z' },
  devices: ['GAHT87654321', `arn:aws:iam::${ACCOUNT_ID}:u2f/user/dave/yubikey-ABC`],
};

describe('collectUsersAndRoot', () => {
  before(() => {
    iamMock = mockIam();
  });
  after(() => iamMock.restore());
  beforeEach(() => iamMock.reset());

  it('reports every user from the credential report, with keys and MFA, in few calls', async () => {
    serveAccount({ users: [alice, bob, carol, dave], root: { mfa: 'virtual' } });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(collection.source, 'credential-report');
    assert.deepEqual(collection.errors, []);
    assert.deepEqual(collection.users.map((record) => record.userName), ['alice', 'bob', 'carol', 'dave']);

    const aliceRecord = user(collection, 'alice');
    assert.equal(aliceRecord.passwordEnabled, true, 'a console user without keys is reported');
    assert.equal(aliceRecord.passwordLastUsed, '2024-05-30T09:00:00.000Z');
    assert.equal(aliceRecord.mfaType, 'None');
    assert.equal(aliceRecord.mfaActive, false);
    assert.deepEqual(aliceRecord.accessKeys, []);

    const bobRecord = user(collection, 'bob');
    assert.equal(bobRecord.passwordEnabled, false);
    assert.equal(bobRecord.mfaType, 'Virtual');
    assert.deepEqual(bobRecord.mfaDevices.map((device) => device.serialNumber), [`arn:aws:iam::${ACCOUNT_ID}:mfa/bob-phone`]);
    assert.deepEqual(
      [...bobRecord.accessKeys].sort((a, b) => a.createdDate.localeCompare(b.createdDate)),
      [
        {
          accessKeyId: 'AKIABOBOLD0000000001',
          status: 'Active',
          createdDate: '2017-03-01T10:00:00.000Z',
          lastUsedDate: '2024-05-01T00:00:00.000Z',
          lastUsedService: 's3',
          lastUsedRegion: 'eu-west-1',
        },
        {
          accessKeyId: 'AKIABOBNEW0000000002',
          status: 'Inactive',
          createdDate: '2024-01-15T08:30:45.000Z',
          lastUsedDate: null,
          lastUsedService: null,
          lastUsedRegion: null,
        },
      ],
    );

    const carolRecord = user(collection, 'carol');
    assert.equal(carolRecord.mfaType, 'Hardware');
    assert.equal(carolRecord.passwordLastUsed, null, 'a password never used');
    assert.equal(carolRecord.accessKeys[0].lastUsedService, 'sts');

    const daveRecord = user(collection, 'dave');
    assert.equal(daveRecord.mfaType, 'SecurityKey', 'the strongest of several devices');
    assert.deepEqual(daveRecord.mfaDevices.map((device) => device.type).sort(), ['Hardware', 'SecurityKey']);

    // Only users with keys are asked for them, only users whose MFA is not virtual for devices.
    assert.deepEqual(usersCalledWith(ListAccessKeysCommand), ['bob', 'carol']);
    assert.deepEqual(usersCalledWith(ListMFADevicesCommand), ['carol', 'dave']);
    assert.equal(iamMock.commandCalls(ListVirtualMFADevicesCommand).length, 1);
    assert.equal(iamMock.commandCalls(GetAccessKeyLastUsedCommand).length, 0, 'last use comes from the report');
    assert.equal(iamMock.commandCalls(ListUsersCommand).length, 0, 'a fresh report needs no user list');
    assert.equal(iamMock.commandCalls(GetLoginProfileCommand).length, 0);
    assert.equal(iamMock.calls().length, 4 + 2 + 2, 'four account calls, plus one per user with keys, plus one per non-virtual MFA user');
  });

  it('pages every list to the end', async () => {
    const many: UserSpec[] = Array.from({ length: 7 }, (_, index) => ({
      name: `user${index}`,
      devices: [`arn:aws:iam::${ACCOUNT_ID}:mfa/user${index}`],
    }));
    const keyHolder: UserSpec = {
      name: 'zed',
      devices: ['GAHT00000001', 'GAHT00000002', 'GAHT00000003'],
      keys: [
        { id: 'AKIAZED0000000000001', created: '2022-01-01T00:00:00Z' },
        { id: 'AKIAZED0000000000002', created: '2022-06-01T00:00:00Z' },
      ],
    };
    serveAccount({ users: [...many, keyHolder], pageSize: 2 });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(collection.users.length, 8);
    for (const record of collection.users.filter((candidate) => candidate.userName.startsWith('user'))) {
      assert.equal(record.mfaType, 'Virtual', `${record.userName} found on a later page of virtual devices`);
    }
    assert.equal(iamMock.commandCalls(ListVirtualMFADevicesCommand).length, 4);
    assert.equal(user(collection, 'zed').accessKeys.length, 2);
    assert.equal(user(collection, 'zed').mfaDevices.length, 3);
    assert.equal(iamMock.commandCalls(ListMFADevicesCommand).length, 2);
  });

  it('matches keys to the report by creation time and asks AWS when the time matches no column', async () => {
    const erin: UserSpec = {
      name: 'erin',
      keys: [
        { id: 'AKIAERIN000000000001', created: '2021-01-01T00:00:00Z', lastUsed: { date: '2024-01-01T00:00:00Z', service: 'ec2', region: 'us-west-2' } },
        { id: 'AKIAERIN000000000002', created: '2023-01-01T00:00:00Z', lastUsed: { date: '2024-02-02T00:00:00Z', service: 'lambda', region: 'eu-central-1' } },
      ],
    };
    serveAccount({ users: [erin] });
    // ListAccessKeys reports the second key with a creation time the report does not show.
    iamMock.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { UserName: 'erin', AccessKeyId: 'AKIAERIN000000000002', Status: 'Active', CreateDate: new Date('2023-01-01T00:00:07Z') },
        { UserName: 'erin', AccessKeyId: 'AKIAERIN000000000001', Status: 'Active', CreateDate: new Date('2021-01-01T00:00:00.400Z') },
      ],
    });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    const keys = new Map(user(collection, 'erin').accessKeys.map((key) => [key.accessKeyId, key]));
    assert.equal(keys.get('AKIAERIN000000000001')?.lastUsedService, 'ec2', 'matched to the second');
    assert.equal(keys.get('AKIAERIN000000000002')?.lastUsedService, 'lambda');
    assert.deepEqual(
      iamMock.commandCalls(GetAccessKeyLastUsedCommand).map((call) => call.args[0].input.AccessKeyId),
      ['AKIAERIN000000000002'],
      'only the unmatched key costs a call',
    );
  });

  it('marks MFA Unknown and the account partial when a user\'s devices cannot be read', async () => {
    serveAccount({ users: [alice, carol] });
    iamMock.on(ListMFADevicesCommand, { UserName: 'carol' }).rejects(denied('ListMFADevices'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(user(collection, 'carol').mfaType, 'Unknown');
    assert.equal(user(collection, 'carol').mfaActive, true);
    assert.equal(user(collection, 'alice').mfaType, 'None');
    assert.equal(collection.errors.length, 1);
    assert.match(collection.errors[0].detail, /ListMFADevices failed for user carol \(AccessDenied: .*not authorized/);
  });

  it('names every user a repeated failure concerns in one line', async () => {
    const tokenUsers: UserSpec[] = Array.from({ length: 12 }, (_, index) => ({ name: `token${String(index).padStart(2, '0')}`, devices: [`GAHT0000${index}`] }));
    serveAccount({ users: tokenUsers });
    iamMock.on(ListMFADevicesCommand).rejects(denied('ListMFADevices'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(collection.errors.length, 1);
    assert.match(
      collection.errors[0].detail,
      /^ListMFADevices failed for 12 users: token00, token01, .*token09 and 2 more \(AccessDenied: .*\): MFA type unknown$/,
    );
    assert.ok(collection.users.every((record) => record.mfaType === 'Unknown'));
  });

  it('reads devices per MFA user when the virtual device list is denied', async () => {
    serveAccount({ users: [alice, bob, carol], root: { mfa: 'virtual' } });
    iamMock.on(ListVirtualMFADevicesCommand).rejects(denied('ListVirtualMFADevices'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(user(collection, 'bob').mfaType, 'Virtual');
    assert.equal(user(collection, 'carol').mfaType, 'Hardware');
    assert.deepEqual(usersCalledWith(ListMFADevicesCommand), ['bob', 'carol']);
    assert.equal(collection.root?.mfaType, 'Unknown', 'root MFA is on, but of which kind cannot be told');
    assert.match(collection.errors.map(coverageReasonText).join('\n'), /ListVirtualMFADevices failed \(AccessDenied/);
  });

  it('reports root findings: virtual MFA, active root keys, a root password never used', async () => {
    serveAccount({
      users: [],
      root: { mfa: 'virtual', keys: [{ id: 'AKIAROOT000000000001', created: '2019-02-02T00:00:00Z' }] },
    });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.deepEqual(collection.root, {
      mfaEnabled: true,
      mfaType: 'Virtual',
      accessKeysActive: true,
      accessKeysPresent: 1,
      passwordEnabled: null,
      passwordLastUsed: null,
      signingCertificatesActive: false,
    });
    assert.deepEqual(collection.users, [], 'the root row is not a user');
  });

  it('reports root hardware MFA, no MFA, and the root password last use', async () => {
    serveAccount({ users: [], root: { mfa: 'hardware', passwordLastUsed: '2024-05-05T05:05:05Z' } });
    const hardware = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });
    assert.equal(hardware.root?.mfaType, 'Hardware');
    assert.equal(hardware.root?.mfaEnabled, true);
    assert.equal(hardware.root?.passwordLastUsed, '2024-05-05T05:05:05.000Z');
    assert.equal(hardware.root?.accessKeysActive, false);

    iamMock.reset();
    serveAccount({ users: [], root: { mfa: 'none' } });
    const none = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });
    assert.equal(none.root?.mfaType, 'None');
    assert.equal(none.root?.mfaEnabled, false);
  });

  it('takes root from the report alone when the account summary is denied', async () => {
    serveAccount({
      users: [alice],
      root: { mfa: 'hardware', keys: [{ id: 'AKIAROOT000000000001', created: '2019-02-02T00:00:00Z' }] },
    });
    iamMock.on(GetAccountSummaryCommand).rejects(denied('GetAccountSummary'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(collection.root?.mfaEnabled, true);
    assert.equal(collection.root?.mfaType, 'Hardware');
    assert.equal(collection.root?.accessKeysActive, true);
    assert.equal(collection.root?.accessKeysPresent, 1);
    assert.match(collection.errors.map(coverageReasonText).join('\n'), /GetAccountSummary failed \(AccessDenied/);
  });

  it('waits out a report in progress before reading it', async () => {
    serveAccount({ users: [alice] });
    iamMock.on(GenerateCredentialReportCommand).resolvesOnce({ State: 'STARTED' }).resolves({ State: 'COMPLETE' });
    const sleeps: number[] = [];

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: async (ms) => void sleeps.push(ms) });

    assert.equal(sleeps.length, 1);
    assert.deepEqual(collection.users.map((record) => record.userName), ['alice']);
  });

  it('falls back to per-user calls when the report is denied, and says so', async () => {
    serveAccount({ users: [alice, bob, dave], root: { mfa: 'virtual' } });
    iamMock.on(GenerateCredentialReportCommand).rejects(denied('GenerateCredentialReport'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.equal(collection.source, 'per-user');
    assert.equal(collection.errors.length, 1);
    assert.match(collection.errors[0].detail, /credential report could not be had \(AccessDenied: .*GenerateCredentialReport\)/);
    assert.deepEqual(collection.users.map((record) => record.userName), ['alice', 'bob', 'dave']);
    assert.equal(user(collection, 'alice').passwordEnabled, true);
    assert.equal(user(collection, 'alice').passwordLastUsed, '2024-05-30T09:00:00.000Z', 'from ListUsers');
    assert.equal(user(collection, 'bob').passwordEnabled, false, 'NoSuchEntity from GetLoginProfile: no password');
    assert.equal(user(collection, 'bob').mfaType, 'Virtual');
    assert.equal(user(collection, 'dave').mfaType, 'SecurityKey');
    const bobKeys = new Map(user(collection, 'bob').accessKeys.map((key) => [key.accessKeyId, key]));
    assert.equal(bobKeys.get('AKIABOBOLD0000000001')?.lastUsedDate, '2024-05-01T00:00:00.000Z');
    assert.equal(bobKeys.get('AKIABOBOLD0000000001')?.lastUsedService, 's3');
    assert.equal(bobKeys.get('AKIABOBNEW0000000002')?.lastUsedDate, null, 'never used');
    assert.equal(bobKeys.get('AKIABOBNEW0000000002')?.lastUsedService, null);
    assert.equal(iamMock.commandCalls(GetAccessKeyLastUsedCommand).length, 2);
    assert.deepEqual(usersCalledWith(GetLoginProfileCommand), ['alice', 'bob', 'dave']);
    assert.equal(collection.root?.mfaType, 'Virtual', 'root from the account summary and the virtual device list');
    assert.equal(collection.root?.passwordLastUsed, null);
  });

  it('in the fallback, keeps the other facts of a user when one read fails, and drops users deleted meanwhile', async () => {
    serveAccount({ users: [alice, bob, dave] });
    iamMock.on(GenerateCredentialReportCommand).rejects(denied('GenerateCredentialReport'));
    iamMock.on(ListMFADevicesCommand, { UserName: 'dave' }).rejects(denied('ListMFADevices'));
    iamMock.on(ListAccessKeysCommand, { UserName: 'alice' }).rejects(noSuchEntity('The user with name alice'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.deepEqual(collection.users.map((record) => record.userName), ['bob', 'dave']);
    assert.equal(user(collection, 'dave').mfaType, 'Unknown');
    assert.equal(user(collection, 'dave').passwordEnabled, true);
    assert.equal(user(collection, 'bob').mfaType, 'Virtual');
    assert.equal(collection.errors.length, 2);
    assert.match(collection.errors[1].detail, /^ListMFADevices failed for user dave \(AccessDenied: .*\): MFA unknown$/);
  });

  it('falls back when the report never becomes ready', async () => {
    serveAccount({ users: [alice] });
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait, credentialReportMaxAttempts: 3 });

    assert.equal(collection.source, 'per-user');
    assert.match(collection.errors[0].detail, /not ready after 3 attempts/);
    assert.deepEqual(collection.users.map((record) => record.userName), ['alice']);
  });

  it('keeps root from the account summary when no user can be listed', async () => {
    serveAccount({ users: [alice], root: { mfa: 'virtual' } });
    iamMock.on(GenerateCredentialReportCommand).rejects(denied('GenerateCredentialReport'));
    iamMock.on(ListUsersCommand).rejects(denied('ListUsers'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.deepEqual(collection.users, []);
    assert.equal(collection.root?.mfaType, 'Virtual');
    assert.deepEqual(collection.errors.map(coverageReasonText), [
      `IAM users could not be listed (credential report: ${denied('GenerateCredentialReport').name}: ${denied('GenerateCredentialReport').message}; ` +
        `ListUsers: AccessDenied: ${denied('ListUsers').message}): users are missing`,
    ]);
  });

  it('throws when nothing at all can be read', async () => {
    iamMock.onAnyCommand().rejects(denied('*'));

    await assert.rejects(collectUsersAndRoot(iam, { now: NOW, sleep: noWait }), /no IAM data could be read \(credential report: AccessDenied.*ListUsers: AccessDenied/);
  });

  it('re-reads users and keys when the report is hours old', async () => {
    const frank: UserSpec = { name: 'frank', password: {}, keys: [{ id: 'AKIAFRANK00000000001', created: '2024-06-01T11:00:00Z' }] };
    const gina: UserSpec = { name: 'gina', keys: [{ id: 'AKIAGINA000000000001', created: '2020-01-01T00:00:00Z' }] };
    serveAccount({ users: [alice, gina], usersAfterReport: [frank], generatedTime: new Date('2024-06-01T09:00:00Z') });
    // A key gina created after the report, and a user deleted since it.
    iamMock.on(GetCredentialReportCommand).resolves({
      Content: new TextEncoder().encode(reportCsv({ users: [alice, { name: 'gina' }, { name: 'gone' }] })),
      GeneratedTime: new Date('2024-06-01T09:00:00Z'),
    });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.deepEqual(collection.users.map((record) => record.userName), ['alice', 'frank', 'gina']);
    assert.deepEqual(user(collection, 'gina').accessKeys.map((key) => key.accessKeyId), ['AKIAGINA000000000001']);
    assert.deepEqual(user(collection, 'frank').accessKeys.map((key) => key.accessKeyId), ['AKIAFRANK00000000001']);
    assert.equal(user(collection, 'frank').passwordEnabled, true);
    assert.deepEqual(collection.errors, []);
  });

  it('asks for what a report without last-use, MFA or password columns does not say', async () => {
    serveAccount({ users: [alice, bob, carol] });
    // The report of some AWS-compatible endpoints: key creation times only.
    const shortReport = [
      'user,arn,user_creation_time,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated',
      '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,false,N/A,false,N/A',
      `alice,${userArn('alice')},2020-01-01T00:00:00+00:00,false,N/A,false,N/A`,
      `bob,${userArn('bob')},2020-01-01T00:00:00+00:00,true,2017-03-01T10:00:00+00:00,false,2024-01-15T08:30:45+00:00`,
      `carol,${userArn('carol')},2020-01-01T00:00:00+00:00,true,2023-11-11T11:11:11+00:00,false,N/A`,
    ].join('\n');
    iamMock.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(shortReport) });

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.deepEqual(collection.errors, []);
    assert.equal(user(collection, 'alice').passwordEnabled, true);
    assert.equal(user(collection, 'bob').passwordEnabled, false);
    assert.equal(user(collection, 'alice').mfaType, 'None');
    assert.equal(user(collection, 'bob').mfaType, 'Virtual');
    assert.equal(user(collection, 'carol').mfaType, 'Hardware');
    const bobOldKey = user(collection, 'bob').accessKeys.find((key) => key.accessKeyId === 'AKIABOBOLD0000000001');
    assert.equal(bobOldKey?.lastUsedService, 's3', 'last use asked for, not taken as never');
    assert.equal(iamMock.commandCalls(GetAccessKeyLastUsedCommand).length, 3);
    assert.deepEqual(usersCalledWith(GetLoginProfileCommand), ['alice', 'bob', 'carol']);
    assert.deepEqual(usersCalledWith(ListMFADevicesCommand), ['alice', 'carol'], 'bob has a virtual device');
  });

  it('drops a user deleted between the report and the key listing', async () => {
    serveAccount({ users: [alice, bob] });
    iamMock.on(ListAccessKeysCommand, { UserName: 'bob' }).rejects(noSuchEntity('The user with name bob'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    assert.deepEqual(collection.users.map((record) => record.userName), ['alice']);
    assert.deepEqual(collection.errors, []);
  });

  it('keeps keys known from the report when they cannot be listed', async () => {
    serveAccount({ users: [bob] });
    iamMock.on(ListAccessKeysCommand).rejects(denied('ListAccessKeys'));

    const collection = await collectUsersAndRoot(iam, { now: NOW, sleep: noWait });

    const keys = user(collection, 'bob').accessKeys;
    assert.deepEqual(keys.map((key) => [key.accessKeyId, key.status, key.createdDate]), [
      ['', 'Active', '2017-03-01T10:00:00.000Z'],
      ['', 'Inactive', '2024-01-15T08:30:45.000Z'],
    ]);
    assert.match(collection.errors[0].detail, /ListAccessKeys failed for user bob .*without ids/);
  });
});

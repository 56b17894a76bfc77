// A hand-built AuditRun covering what the report writers must handle: users with and without
// keys, every MFA type, never-used keys and passwords, a partial account, an account without the
// role, a skipped one, and hostile account and user names.
import type { AccessKeyRecord, AccountAudit, AuditRun, IamUserRecord, OrgAccount, RootRecord } from '../../auditor/model';
import { SCHEMA_VERSION } from '../../auditor/model';

export const RUN_TIMESTAMP = '20240131T120000Z';
export const HOSTILE_ACCOUNT_NAME = '=HYPERLINK("http://evil.example","click"), "quoted"\nsecond line';

function key(id: string, overrides: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    accessKeyId: id,
    status: 'Active',
    createdDate: '2023-01-01T00:00:00.000Z',
    lastUsedDate: '2024-01-30T08:00:00.000Z',
    lastUsedService: 's3',
    lastUsedRegion: 'eu-west-1',
    ...overrides,
  };
}

export function user(userName: string, overrides: Partial<IamUserRecord> = {}): IamUserRecord {
  return {
    userName,
    arn: `arn:aws:iam::111111111111:user/${userName}`,
    createdDate: '2022-06-01T00:00:00.000Z',
    passwordEnabled: false,
    passwordLastUsed: null,
    passwordLastChanged: null,
    mfaActive: false,
    mfaType: 'None',
    mfaDevices: [],
    accessKeys: [],
    ...overrides,
  };
}

function account(id: string, name: string, state = 'ACTIVE', isManagementAccount = false): OrgAccount {
  return { id, name, state, isManagementAccount };
}

const ROOT_CLEAN: RootRecord = {
  mfaEnabled: true,
  mfaType: 'Hardware',
  accessKeysActive: false,
  accessKeysPresent: 0,
  passwordEnabled: true,
  passwordLastUsed: '2024-01-02T03:04:05.000Z',
  signingCertificatesActive: false,
};

export function auditRunFixture(): AuditRun {
  const management: AccountAudit = {
    account: account('111111111111', 'Management', 'ACTIVE', true),
    coverage: { accountId: '111111111111', accountName: 'Management', state: 'ACTIVE', audited: 'yes', errors: [], skipped: null, userSource: 'credential-report' },
    users: [
      user('alice', {
        passwordEnabled: true,
        passwordLastUsed: '2024-01-29T10:00:00.000Z',
        mfaActive: true,
        mfaType: 'Virtual',
        mfaDevices: [{ serialNumber: 'arn:aws:iam::111111111111:mfa/alice', type: 'Virtual', enabledDate: '2023-01-01T00:00:00.000Z' }],
        accessKeys: [
          key('AKIAALICE0000000001'),
          key('AKIAALICE0000000002', { status: 'Inactive', createdDate: '2024-01-15T00:00:00.000Z', lastUsedDate: null, lastUsedService: null, lastUsedRegion: null }),
        ],
      }),
      user('bob'),
      user('carol', {
        passwordEnabled: true,
        passwordLastUsed: null,
        mfaActive: true,
        mfaType: 'Hardware',
        mfaDevices: [{ serialNumber: 'GAHT12345678', type: 'Hardware', enabledDate: null }],
        accessKeys: [key('AKIACAROL0000000001', { createdDate: '2024-01-20T00:00:00.000Z', lastUsedDate: null, lastUsedService: null, lastUsedRegion: null })],
      }),
      user('dave', {
        mfaActive: true,
        mfaType: 'SecurityKey',
        mfaDevices: [{ serialNumber: 'arn:aws:iam::111111111111:u2f/user/dave/key-1', type: 'SecurityKey', enabledDate: null }],
      }),
      user('erin', { passwordEnabled: true, passwordLastUsed: '2023-12-01T00:00:00.000Z' }),
    ],
    root: ROOT_CLEAN,
    events: [
      {
        eventId: 'e-2',
        eventTime: '2024-01-10T00:00:00.000Z',
        eventName: 'DeleteAccessKey',
        eventSource: 'iam.amazonaws.com',
        username: 'admin',
        accountId: '111111111111',
        accountName: 'Management',
        resources: ['alice', 'AKIAOLD000000000001'],
        sourceIPAddress: '198.51.100.7',
      },
    ],
  };
  const hostile: AccountAudit = {
    account: account('222222222222', HOSTILE_ACCOUNT_NAME),
    coverage: {
      accountId: '222222222222',
      accountName: HOSTILE_ACCOUNT_NAME,
      state: 'ACTIVE',
      audited: 'partial',
      errors: [
        { kind: 'incomplete', detail: 'ListMFADevices for -mallory: AccessDenied' },
        { kind: 'failed', detail: 'CloudTrail: ThrottlingException' },
      ],
      skipped: null,
      userSource: 'per-user',
    },
    users: [user('-mallory', { passwordEnabled: true, mfaActive: true, mfaType: 'Unknown', accessKeys: [key('AKIAMALLORY00000001')] })],
    root: { ...ROOT_CLEAN, mfaEnabled: false, mfaType: 'None', accessKeysActive: true, accessKeysPresent: 1, passwordLastUsed: null },
    events: [
      {
        eventId: 'e-1',
        eventTime: '2024-01-05T00:00:00.000Z',
        eventName: 'CreateAccessKey',
        eventSource: 'iam.amazonaws.com',
        username: '@attacker',
        accountId: '222222222222',
        accountName: HOSTILE_ACCOUNT_NAME,
        resources: ['-mallory', 'AKIAMALLORY00000001'],
        sourceIPAddress: '+1 203.0.113.9',
      },
    ],
  };
  const withoutRole: AccountAudit = {
    account: account('333333333333', 'No role'),
    coverage: {
      accountId: '333333333333',
      accountName: 'No role',
      state: 'ACTIVE',
      audited: 'no',
      errors: [{ kind: 'unreachable', detail: 'AssumeRole arn:aws:iam::333333333333:role/Audit: AccessDenied' }],
      skipped: null,
      userSource: 'none',
    },
    users: [],
    root: null,
    events: [],
  };
  const suspended: AccountAudit = {
    account: account('444444444444', 'Old', 'SUSPENDED'),
    coverage: { accountId: '444444444444', accountName: 'Old', state: 'SUSPENDED', audited: 'no', errors: [{ kind: 'skipped', detail: 'account state is SUSPENDED' }], skipped: 'state', userSource: 'none' },
    users: [],
    root: null,
    events: [],
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    runTimestamp: RUN_TIMESTAMP,
    startedAt: '2024-01-31T12:00:00.000Z',
    finishedAt: '2024-01-31T12:03:00.000Z',
    partition: 'aws',
    managementAccountId: '111111111111',
    roleName: 'Audit',
    cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 },
    accounts: [management, hostile, withoutRole, suspended],
  };
}

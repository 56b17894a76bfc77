// Hand-built runs for the report tests: every record spelled out, no AWS.
import type { AccessKeyRecord, AccountAudit, AccountGuardrails, AuditRun, GuardrailVerdict, IamUserRecord, RootRecord } from '../../auditor/model';
import { SCHEMA_VERSION } from '../../auditor/model';

export const RUN_STARTED_AT = '2024-06-30T12:00:00.000Z';

/** `days` days before the run started. */
export function daysAgo(days: number): string {
  return new Date(Date.parse(RUN_STARTED_AT) - days * 24 * 60 * 60 * 1000).toISOString();
}

export function accessKey(id: string, overrides: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return { accessKeyId: id, status: 'Active', createdDate: daysAgo(10), lastUsedDate: daysAgo(1), lastUsedService: 's3', lastUsedRegion: 'us-east-1', ...overrides };
}

export function user(userName: string, overrides: Partial<IamUserRecord> = {}): IamUserRecord {
  return {
    userName,
    arn: `arn:aws:iam::111111111111:user/${userName}`,
    createdDate: daysAgo(400),
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

export function consoleUserWithMfa(userName: string, overrides: Partial<IamUserRecord> = {}): IamUserRecord {
  return user(userName, {
    passwordEnabled: true,
    passwordLastUsed: daysAgo(2),
    mfaActive: true,
    mfaType: 'SecurityKey',
    mfaDevices: [{ serialNumber: `arn:aws:iam::111111111111:u2f/user/${userName}/key`, type: 'SecurityKey', enabledDate: daysAgo(100) }],
    ...overrides,
  });
}

export function hardwareRoot(overrides: Partial<RootRecord> = {}): RootRecord {
  return { mfaEnabled: true, mfaType: 'Hardware', accessKeysActive: false, accessKeysPresent: 0, passwordEnabled: true, passwordLastUsed: null, signingCertificatesActive: false, ...overrides };
}

export function account(id: string, name: string, overrides: Partial<AccountAudit> = {}): AccountAudit {
  return {
    account: { id, name, state: 'ACTIVE', isManagementAccount: false },
    coverage: { accountId: id, accountName: name, state: 'ACTIVE', audited: 'yes', errors: [], skipped: null, userSource: 'credential-report' },
    users: [],
    root: hardwareRoot(),
    events: [],
    ...overrides,
  };
}

export function notAudited(id: string, name: string, reason: string): AccountAudit {
  return account(id, name, {
    coverage: { accountId: id, accountName: name, state: 'ACTIVE', audited: 'no', errors: [{ kind: 'unreachable', detail: reason }], skipped: null, userSource: 'none' },
    root: null,
  });
}

export function run(accounts: AccountAudit[], overrides: Partial<AuditRun> = {}): AuditRun {
  return {
    schemaVersion: SCHEMA_VERSION,
    runTimestamp: '20240630T120000Z',
    startedAt: RUN_STARTED_AT,
    finishedAt: '2024-06-30T12:05:00.000Z',
    partition: 'aws',
    managementAccountId: '111111111111',
    roleName: 'IamAuditRole',
    cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 },
    accounts,
    ...overrides,
  };
}

export function guardrailVerdict(status: GuardrailVerdict['status'], overrides: Partial<GuardrailVerdict> = {}): GuardrailVerdict {
  return { status, exemptedUsers: [], policyIds: status === 'enforced' ? ['p-guardrail'] : [], detail: status, ...overrides };
}

/** Every guardrail enforced by `p-guardrail` at the root, centralized root access on; override what a test needs. */
export function guardrails(overrides: Partial<AccountGuardrails> = {}): AccountGuardrails {
  return {
    levels: [{ targetId: 'r-root', type: 'ROOT', policyIds: ['p-FullAWSAccess', 'p-guardrail'] }],
    noAccessKeys: guardrailVerdict('enforced'),
    consoleMfa: guardrailVerdict('enforced'),
    rootUser: guardrailVerdict('enforced'),
    centralizedRoot: { status: 'enabled', features: ['RootCredentialsManagement', 'RootSessions'], detail: 'RootCredentialsManagement and RootSessions enabled' },
    ...overrides,
  };
}

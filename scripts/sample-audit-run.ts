// A simulated organization's audit run, for the sample dashboard in the README and the browser
// tests: deterministic (seeded), realistic proportions, no AWS.
import type { AccessKeyRecord, AccountAudit, AccountInventory, AuditRun, CloudTrailEventRecord, IamUserRecord, MfaType, RoleRecord } from '../auditor/model';
import { SCHEMA_VERSION } from '../auditor/model';
import { SIMULATED_AWS_MANAGED_POLICIES } from '../simulator/simulated-inventory';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Park-Miller generator: the same seed gives the same organization on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

export interface SampleRunOptions {
  startedAt?: string;
  runTimestamp?: string;
  seed?: number;
  /** 0 to 1: how far remediation has come (more MFA, fewer old keys), for a believable trend. */
  progress?: number;
  /** Extra accounts appended as given (for hostile names in tests). */
  extraAccounts?: AccountAudit[];
}

const ACCOUNT_NAMES = ['management', 'security-tooling', 'log-archive', 'payments-prod', 'payments-staging', 'data-lake-prod', 'web-prod', 'web-dev', 'sandbox-ana', 'legacy-erp'];
const PEOPLE = ['ana', 'bruno', 'carla', 'diego', 'elena', 'felipe', 'gabriela', 'hugo', 'ines', 'jorge', 'karla', 'luis'];
const SERVICES = ['s3', 'dynamodb', 'sts', 'ec2', 'lambda', 'sqs'];

const sampleAccountId = (index: number) => String(100000000000 + index * 11111111111 + 7).padStart(12, '0').slice(0, 12);

const GROUP_POLICIES = { admins: 'AdministratorAccess', developers: 'PowerUserAccess', readers: 'ReadOnlyAccess' } as const;
type SampleGroup = keyof typeof GROUP_POLICIES;

const awsPolicy = (name: string) => ({ name, arn: `arn:aws:iam::aws:policy/${name}` });
const trustPolicy = (principal: unknown, condition?: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] });

/**
 * Who can do what in a sample account, as GetAccountAuthorizationDetails would list it: the users in
 * groups carrying AWS managed policies (service users that deploy or run CI are admins, as they
 * too often are), the role the organization creates for the management account, and a few roles
 * trusted from outside. The privilege itself is decided by the evaluator (`assessAccess`).
 */
function sampleInventory(id: string, name: string, managementAccountId: string, users: readonly IamUserRecord[], ago: (days: number) => string): AccountInventory {
  const groupOf = (user: IamUserRecord, position: number): SampleGroup =>
    /^svc-(deploy|ci)-/.test(user.userName) || (!user.userName.startsWith('svc-') && position === 0) ? 'admins' : user.userName.startsWith('svc-') || position % 2 === 1 ? 'developers' : 'readers';
  const role = (roleName: string, trust: string, policy: string, lastUsed: string | null, createdDaysAgo = 700): RoleRecord => ({
    roleName, arn: `arn:aws:iam::${id}:role/${roleName}`, path: '/', createdDate: ago(createdDaysAgo), trustPolicy: trust, lastUsed,
    attachedPolicies: [awsPolicy(policy)], inlinePolicies: [], permissionsBoundary: null,
  });
  const roles: RoleRecord[] = [];
  if (id !== managementAccountId) roles.push(role('OrganizationAccountAccessRole', trustPolicy({ AWS: `arn:aws:iam::${managementAccountId}:root` }), 'AdministratorAccess', ago(9)));
  if (name === 'payments-prod') roles.push(role('vendor-monitoring', trustPolicy({ AWS: 'arn:aws:iam::999988887777:root' }, { StringEquals: { 'sts:ExternalId': 'sample-external-id' } }), 'ReadOnlyAccess', ago(1)));
  if (name === 'data-lake-prod') roles.push(role('partner-etl', trustPolicy({ AWS: 'arn:aws:iam::444455556666:root' }), 'AmazonS3ReadOnlyAccess', ago(2)));
  if (name === 'web-dev') roles.push(role('legacy-deployer', trustPolicy({ Service: 'codebuild.amazonaws.com' }), 'PowerUserAccess', null, 500));
  const used = new Set([...Object.values(GROUP_POLICIES), ...roles.flatMap((entry) => entry.attachedPolicies.map((policy) => policy.name))]);
  return {
    users: users.map((user, position) => ({ userName: user.userName, arn: user.arn, groups: [groupOf(user, position)], attachedPolicies: [], inlinePolicies: [], permissionsBoundary: null })),
    groups: (Object.keys(GROUP_POLICIES) as SampleGroup[]).map((group) => ({ groupName: group, arn: `arn:aws:iam::${id}:group/${group}`, attachedPolicies: [awsPolicy(GROUP_POLICIES[group])], inlinePolicies: [] })),
    roles,
    policies: [...used].sort().map((policy) => ({ ...awsPolicy(policy), attachmentCount: 1, document: JSON.stringify(SIMULATED_AWS_MANAGED_POLICIES[policy]) })),
    passwordPolicy: name === 'web-dev' ? 'none' : { minimumLength: 14, reusePrevention: 24, maxAgeDays: null, requireSymbols: true, requireNumbers: true, requireUppercase: true, requireLowercase: true },
  };
}

export function sampleAuditRun(options: SampleRunOptions = {}): AuditRun {
  const random = seededRandom(options.seed ?? 20240630);
  const startedAt = options.startedAt ?? '2024-06-30T06:00:00.000Z';
  const reference = Date.parse(startedAt);
  const ago = (days: number) => new Date(reference - Math.round(days * DAY_MS)).toISOString();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  let keyCounter = 0;
  const progress = options.progress ?? 1;

  const accounts: AccountAudit[] = ACCOUNT_NAMES.map((name, index) => {
    const id = sampleAccountId(index);
    const unreachable = name === 'legacy-erp';
    const partial = name === 'sandbox-ana';
    const users: IamUserRecord[] = [];
    const events: CloudTrailEventRecord[] = [];
    if (!unreachable) {
      const people = 2 + Math.floor(random() * 5);
      for (let person = 0; person < people; person += 1) {
        const userName = index === 0 || random() < 0.6 ? `${PEOPLE[(index + person) % PEOPLE.length]}` : `svc-${pick(['etl', 'deploy', 'backup', 'reporting', 'ci'])}-${person}`;
        const human = !userName.startsWith('svc-');
        const mfaType: MfaType = human ? (random() < 0.45 + 0.35 * progress ? pick(['Virtual', 'Virtual', 'SecurityKey', 'Hardware'] as const) : 'None') : 'None';
        const keys: AccessKeyRecord[] = [];
        const keyCount = human ? (random() < 0.3 ? 1 : 0) : 1 + (random() < 0.25 ? 1 : 0);
        for (let k = 0; k < keyCount; k += 1) {
          keyCounter += 1;
          const age = Math.floor(random() * random() * (2600 - 1000 * progress)) + 2;
          const neverUsed = random() < 0.12;
          keys.push({
            accessKeyId: `AKIASAMPLE${String(keyCounter).padStart(10, '0')}`,
            status: random() < 0.9 ? 'Active' : 'Inactive',
            createdDate: ago(age),
            lastUsedDate: neverUsed ? null : ago(Math.min(age, Math.floor(random() * 80))),
            lastUsedService: neverUsed ? null : pick(SERVICES),
            lastUsedRegion: neverUsed ? null : 'us-east-1',
          });
        }
        users.push({
          userName,
          arn: `arn:aws:iam::${id}:user/${userName}`,
          createdDate: ago(200 + Math.floor(random() * 1500)),
          passwordEnabled: human,
          passwordLastUsed: human ? ago(Math.floor(random() * random() * 120)) : null,
          passwordLastChanged: human ? ago(150) : null,
          mfaActive: mfaType !== 'None',
          mfaType,
          mfaDevices: mfaType === 'None' ? [] : [{ serialNumber: `arn:aws:iam::${id}:mfa/${userName}`, type: mfaType, enabledDate: ago(100) }],
          accessKeys: keys,
        });
      }
      const eventCount = Math.floor(random() * 14);
      for (let e = 0; e < eventCount; e += 1) {
        const eventName = pick(['CreateAccessKey', 'DeleteAccessKey', 'DeleteAccessKey', 'EnableMFADevice', 'UpdateAccessKey']);
        events.push({
          eventId: `sample-${index}-${e}`,
          eventTime: ago(Math.floor(random() * 88)),
          eventName,
          eventSource: 'iam.amazonaws.com',
          username: pick(PEOPLE),
          accountId: id,
          accountName: name,
          resources: [pick(PEOPLE)],
          sourceIPAddress: '198.51.100.7',
        });
      }
    }
    return {
      account: { id, name, email: `aws+${name}@example.com`, state: 'ACTIVE', isManagementAccount: index === 0 },
      ...(unreachable || users.length === 0 ? {} : { inventory: sampleInventory(id, name, sampleAccountId(0), users, ago) }),
      coverage: {
        accountId: id,
        accountName: name,
        state: 'ACTIVE',
        audited: unreachable ? 'no' : partial ? 'partial' : 'yes',
        errors: unreachable
          ? [{ kind: 'unreachable', detail: `AssumeRole arn:aws:iam::${id}:role/IAMAuditRole: AccessDenied (the audit role is not deployed in this account)` }]
          : partial ? [{ kind: 'incomplete', detail: 'ListMFADevices: AccessDenied' }] : [],
        skipped: null,
        userSource: unreachable ? 'none' : 'credential-report',
      },
      users,
      root: unreachable
        ? null
        : {
            mfaEnabled: name !== 'web-dev',
            mfaType: name === 'web-dev' ? 'None' : index % 3 === 0 ? 'Hardware' : 'Virtual',
            accessKeysActive: name === 'payments-staging',
            accessKeysPresent: name === 'payments-staging' ? 1 : 0,
            passwordEnabled: true,
            passwordLastUsed: index === 0 ? ago(12) : null,
            signingCertificatesActive: false,
          },
      events: events.sort((a, b) => a.eventTime.localeCompare(b.eventTime)),
    };
  });
  accounts.push({
    account: { id: '999999999990', name: 'closed-2023', state: 'SUSPENDED', isManagementAccount: false },
    coverage: { accountId: '999999999990', accountName: 'closed-2023', state: 'SUSPENDED', audited: 'no', errors: [{ kind: 'skipped', detail: 'account state is SUSPENDED' }], skipped: 'state', userSource: 'none' },
    users: [],
    root: null,
    events: [],
  });
  accounts.push(...(options.extraAccounts ?? []));
  const runTimestamp = options.runTimestamp ?? `${startedAt.slice(0, 19).replace(/[-:]/g, '')}Z`;
  return {
    schemaVersion: SCHEMA_VERSION,
    runTimestamp,
    startedAt,
    finishedAt: new Date(reference + 4 * 60 * 1000).toISOString(),
    partition: 'aws',
    managementAccountId: accounts[0].account.id,
    roleName: 'IAMAuditRole',
    cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 },
    accounts,
  };
}

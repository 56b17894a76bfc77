// The auditor's records: plain data that collectors produce and rules and writers consume.
// Nothing here knows about the AWS SDK or about files. Dates are ISO-8601 UTC strings
// (`2024-01-31T12:00:00.000Z`) so a record survives a JSON round trip unchanged; `null` means
// "never" (never used, never logged in) and is written as `Never` in the reports.

/**
 * Bumped whenever a field of the JSON report changes meaning or disappears. 2: a finding's controls
 * give CIS v7.0 and v5.0 (`cisV7`, `cisV5`) instead of v3.0 (`cis`).
 */
export const SCHEMA_VERSION = 2;

/**
 * `Unknown` only when MFA is active but the device type could not be read (the account is then
 * marked partial, with the reason).
 */
export type MfaType = 'Virtual' | 'Hardware' | 'SecurityKey' | 'None' | 'Unknown';

export interface OrgAccount {
  id: string;
  name: string;
  email?: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ... from `State` (or the retired `Status`). */
  state: string;
  isManagementAccount: boolean;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  status: 'Active' | 'Inactive' | 'Expired';
  createdDate: string;
  lastUsedDate: string | null;
  /** Service of the last use (`s3`, `iam`...); null when never used. */
  lastUsedService: string | null;
  lastUsedRegion: string | null;
}

export interface MfaDeviceRecord {
  /** Serial number: an ARN for virtual and FIDO devices, a serial for hardware tokens. */
  serialNumber: string;
  type: Exclude<MfaType, 'None' | 'Unknown'>;
  enabledDate: string | null;
}

export interface IamUserRecord {
  userName: string;
  arn: string;
  createdDate: string;
  /** Console access: the user has a login profile (password). */
  passwordEnabled: boolean;
  passwordLastUsed: string | null;
  passwordLastChanged: string | null;
  mfaActive: boolean;
  /** The strongest device type the user has; `None` without a device. */
  mfaType: MfaType;
  mfaDevices: MfaDeviceRecord[];
  accessKeys: AccessKeyRecord[];
}

export interface RootRecord {
  mfaEnabled: boolean;
  /** `Virtual` or `Hardware` (hardware includes FIDO keys); `None` without MFA; `Unknown` if it could not be told. */
  mfaType: 'Virtual' | 'Hardware' | 'None' | 'Unknown';
  accessKeysActive: boolean;
  /** How many root access keys exist at all, active or not (`AccountAccessKeysPresent`). */
  accessKeysPresent: number;
  passwordEnabled: boolean | null;
  passwordLastUsed: string | null;
  /** Certificates on the root user, active ones are a long-lived credential too. */
  signingCertificatesActive: boolean;
}

/** A managed policy attached to a principal, by ARN (`arn:<partition>:iam::aws:policy/...` for AWS managed ones). */
export interface AttachedPolicyRecord {
  name: string;
  arn: string;
}

/** An inline policy; `document` is the policy's JSON text. */
export interface InlinePolicyRecord {
  name: string;
  document: string;
}

/** A managed policy of the account (customer managed) or of AWS in use there, with its default version's JSON text. */
export interface ManagedPolicyRecord {
  name: string;
  arn: string;
  attachmentCount: number;
  /** null when the default version was not listed. */
  document: string | null;
}

export interface InventoryUserRecord {
  userName: string;
  arn: string;
  /** Group names. */
  groups: string[];
  attachedPolicies: AttachedPolicyRecord[];
  inlinePolicies: InlinePolicyRecord[];
  /** ARN of the permissions boundary; null without one. */
  permissionsBoundary: string | null;
}

export interface GroupRecord {
  groupName: string;
  arn: string;
  attachedPolicies: AttachedPolicyRecord[];
  inlinePolicies: InlinePolicyRecord[];
}

export interface RoleRecord {
  roleName: string;
  arn: string;
  path: string;
  createdDate: string;
  /** The trust policy's JSON text. */
  trustPolicy: string;
  /** `RoleLastUsed`; null when IAM has no record of a use (never, or not in its tracking window). */
  lastUsed: string | null;
  attachedPolicies: AttachedPolicyRecord[];
  inlinePolicies: InlinePolicyRecord[];
  permissionsBoundary: string | null;
}

export interface PasswordPolicyRecord {
  minimumLength: number | null;
  /** How many previous passwords cannot be reused; null when not set. */
  reusePrevention: number | null;
  maxAgeDays: number | null;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercase: boolean;
  requireLowercase: boolean;
}

/** Who can do what in the account: `GetAccountAuthorizationDetails` and `GetAccountPasswordPolicy`. */
export interface AccountInventory {
  users: InventoryUserRecord[];
  groups: GroupRecord[];
  roles: RoleRecord[];
  /** Customer managed policies and the AWS managed policies listed with them. */
  policies: ManagedPolicyRecord[];
  /** `none`: the account has no password policy; `unknown`: it could not be read (the account is partial). */
  passwordPolicy: PasswordPolicyRecord | 'none' | 'unknown';
}

/**
 * What a principal can do, decided with the policy evaluator over its identity policies (for a user:
 * its own and its groups') within its permissions boundary: `admin` (every action, or it can
 * rewrite IAM permissions), `can-escalate` (one of the known escalation sets), `write`,
 * `read-only`, `none`.
 */
export type PrivilegeLevel = 'admin' | 'can-escalate' | 'write' | 'read-only' | 'none';

export interface PrincipalPrivilege {
  principalType: 'user' | 'role';
  name: string;
  arn: string;
  privilege: PrivilegeLevel;
  /** The evaluated request that decided the level, in a few words (`iam:AttachUserPolicy on *`). */
  reason: string;
  /** The policies that allow it, with the group they come through (`AdministratorAccess (group admins)`). */
  grantedBy: string[];
  /** Policies attached but not listed with a document: left out of the evaluation, and said. */
  unreadPolicies: string[];
}

/** The privilege of every user and role of the account; computed from its inventory before the analysis. */
export interface AccountAccess {
  principals: PrincipalPrivilege[];
}

/**
 * A way for a principal of one account to act in another: the roles it assumes, one after the
 * other, each admitted by its trust policy and allowed by the caller's identity policy.
 */
export interface AccessPath {
  fromAccountId: string;
  fromPrincipalType: 'user' | 'role';
  fromPrincipalName: string;
  fromArn: string;
  /** The account the path ends in (the last role's). */
  toAccountId: string;
  /** The roles assumed, in order, by ARN. */
  roles: string[];
  /** The privilege of the last role. */
  privilege: PrivilegeLevel;
}

export interface CloudTrailEventRecord {
  eventId: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  /** The caller (`Username` of the event, `root` for the root user). */
  username: string;
  accountId: string;
  accountName: string;
  /** Resource names the event touched (user names, access key ids, MFA serials). */
  resources: string[];
  sourceIPAddress: string;
  /** UpdateAccessKey only: the status it set (`requestParameters.status`); absent when the event does not say. */
  accessKeyStatus?: 'Active' | 'Inactive';
}

/** A service control policy as Organizations describes it; `document` is its JSON text. */
export interface ServiceControlPolicyRecord {
  id: string;
  name: string;
  /** AWS managed (`FullAWSAccess`) rather than written by the organization. */
  awsManaged: boolean;
  document: string;
}

/** A level an account inherits SCPs from: the organization's root, an OU, or the account itself. */
export interface PolicyTargetRecord {
  targetId: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
  /** The SCPs attached to this target, by id. */
  policyIds: string[];
}

/**
 * One guardrail, proven or not with the policy evaluator: `enforced` when the SCPs in effect deny
 * it (`exemptedUsers` are the account's users they still let through), `not-applicable` for the
 * management account (SCPs never apply to it), `unknown` when the SCPs could not be read.
 */
export interface GuardrailVerdict {
  status: 'enforced' | 'not-enforced' | 'not-applicable' | 'unknown';
  exemptedUsers: string[];
  /** The SCPs that deny it (explicitly, or by allowing nothing at a level), by id. */
  policyIds: string[];
  /** Why, in a few words, for the report's evidence. */
  detail: string;
}

/** IAM's centralized root access (`ListOrganizationsFeatures`): `RootCredentialsManagement`, `RootSessions`. */
export interface CentralizedRootRecord {
  status: 'enabled' | 'partly-enabled' | 'not-enabled' | 'not-applicable' | 'unknown';
  /** The features enabled, as IAM names them. */
  features: string[];
  detail: string;
}

/** What the organization enforces on the account, read from the management side and evaluated. */
export interface AccountGuardrails {
  /** From the root down to the account itself; null when they could not be read. */
  levels: PolicyTargetRecord[] | null;
  noAccessKeys: GuardrailVerdict;
  consoleMfa: GuardrailVerdict;
  rootUser: GuardrailVerdict;
  centralizedRoot: CentralizedRootRecord;
}

/**
 * What kept an account from being audited completely, for the code that counts or sets reasons
 * apart; the detail is for people. `skipped`: left out on purpose (detail: `not in --accounts`);
 * `unreachable`: the audit role could not be assumed; `failed`: a collector failed as a whole;
 * `incomplete`: a collector read the account but missed something (`ListMFADevices failed for user
 * alice ...`); `aborted`: a failure that is only the consequence of the account's deadline or the
 * run's stop; `timed-out`: the deadline (detail: `600 s in ListUsers`); `stopped`: the run was
 * stopped first; `recorded`: read back from a JSON report, which holds the text only.
 */
export type CoverageReasonKind = 'skipped' | 'unreachable' | 'failed' | 'incomplete' | 'aborted' | 'timed-out' | 'stopped' | 'recorded';

export interface CoverageReason {
  kind: CoverageReasonKind;
  detail: string;
}

/** `yes`: complete; `partial`: some data is missing (see errors); `no`: nothing could be collected. */
export type AuditedStatus = 'yes' | 'partial' | 'no';

export interface AccountCoverage {
  accountId: string;
  accountName: string;
  state: string;
  audited: AuditedStatus;
  /**
   * Why the account is partial or not audited, one reason per failed step; empty when complete.
   * The JSON report writes each as its text (coverage-reasons.ts), under the same name.
   */
  errors: CoverageReason[];
  /**
   * Why the account was deliberately not audited: `state` (not ACTIVE) or `filter`
   * (`--accounts` / `--exclude-accounts`); null when an audit was attempted. Skipped accounts are
   * `audited: 'no'` but do not make the run incomplete.
   */
  skipped: 'state' | 'filter' | null;
  /** Where the user list came from. The per-user fallback is slower and said so here. */
  userSource: 'credential-report' | 'per-user' | 'none';
}

export interface AccountAudit {
  account: OrgAccount;
  coverage: AccountCoverage;
  users: IamUserRecord[];
  root: RootRecord | null;
  events: CloudTrailEventRecord[];
  /** Principals and their policies; null when they could not be read, absent in reports written before the inventory. */
  inventory?: AccountInventory | null;
  /** The SCPs in effect and what they prove; absent when they were not read (reports written before them). */
  guardrails?: AccountGuardrails;
  /** The privilege of every principal, decided from the inventory; absent before it is assessed (or without an inventory). */
  access?: AccountAccess;
}

/** A user of Identity Center's identity store. */
export interface IdentityCenterUserRecord {
  userId: string;
  userName: string;
  displayName: string | null;
}

export interface IdentityCenterGroupRecord {
  groupId: string;
  displayName: string;
  /** The members' user ids. */
  memberIds: string[];
}

/** A customer managed policy a permission set names: resolved by name and path in each account it is provisioned to. */
export interface PolicyReferenceRecord {
  name: string;
  path: string;
}

export interface PermissionSetRecord {
  arn: string;
  name: string;
  /** ISO 8601 duration as Identity Center keeps it (`PT8H`). */
  sessionDuration: string;
  awsManagedPolicies: AttachedPolicyRecord[];
  customerManagedPolicies: PolicyReferenceRecord[];
  /** The inline policy's JSON text; null without one. */
  inlinePolicy: string | null;
  permissionsBoundary: { awsManagedPolicyArn: string } | { customerManagedPolicy: PolicyReferenceRecord } | null;
  /** The accounts it is provisioned to (`ListAccountsForProvisionedPermissionSet`). */
  accountIds: string[];
}

/** A permission set given to a user or a group in an account. */
export interface AccountAssignmentRecord {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}

/** What CloudTrail shows of a user's Identity Center sign-ins (`UserAuthentication`) within the run's window. */
export interface IdentityCenterSignInRecord {
  userId: string;
  lastSignIn: string;
  /** `yes`: every sign-in seen asked a second factor; `no`: one did not; `unknown`: the events do not say (an external identity provider decides). */
  mfa: 'yes' | 'no' | 'unknown';
}

/** The privilege a permission set gives in one account where it is assigned, decided with the policy evaluator. */
export interface PermissionSetPrivilege {
  accountId: string;
  permissionSetArn: string;
  privilege: PrivilegeLevel;
  reason: string;
  grantedBy: string[];
  /** Policies named but not readable (a customer managed policy the account lacks...): left out, and said. */
  unreadPolicies: string[];
}

/**
 * The organization's IAM Identity Center. `found`: an instance was read (`errors` says what could
 * not be); `none`: there is none in `region` (a fact, not a failure); `unknown`: it could not be
 * told (ListInstances denied, the audit role missing...), with why in `detail`.
 */
export interface IdentityCenterRecord {
  status: 'found' | 'none' | 'unknown';
  detail: string;
  /** The home region looked in. */
  region: string;
  /** The account read through its audit role: the management account, or the delegated administrator's. */
  accountId: string | null;
  delegatedAdministrator: boolean;
  instanceArn: string | null;
  identityStoreId: string | null;
  users: IdentityCenterUserRecord[];
  groups: IdentityCenterGroupRecord[];
  permissionSets: PermissionSetRecord[];
  assignments: AccountAssignmentRecord[];
  /** null when sign-ins were not read (CloudTrail off, or LookupEvents failed): `signInsDetail` says why. */
  signIns: IdentityCenterSignInRecord[] | null;
  signInsDetail: string;
  /** What could not be read of a found instance: the record is then partial. */
  errors: string[];
  /** The privilege of every permission set in every account it is assigned in; absent before it is assessed. */
  access?: PermissionSetPrivilege[];
}

/**
 * What one shard's part of a run (`--shard <i>/<n>`) carries besides its accounts, so that a merge
 * can tell it has every shard of one run exactly once and that they all saw the same organization
 * with the same filters.
 */
export interface ShardTag {
  /** 1-based. */
  index: number;
  count: number;
  /** Every account the organization listed, in listing order, not only this shard's. */
  accountIds: string[];
  /** `--accounts` and `--exclude-accounts`, sorted; null when not given. */
  includeAccounts: string[] | null;
  excludeAccounts: string[] | null;
}

export interface AuditRun {
  schemaVersion: number;
  /** One timestamp for the whole run; the reports' file names carry it (`20240131T120000Z`). */
  runTimestamp: string;
  /**
   * Six hex digits drawn when the run starts (or when `merge` puts the shards together): with the
   * timestamp, the run's name in its file names, S3 folder and history entry (reports/file-names.ts),
   * so two runs started in the same second never overwrite each other. Absent in a shard's part
   * (its shards share one name) and in reports of older auditors.
   */
  runId?: string;
  startedAt: string;
  finishedAt: string;
  partition: string;
  managementAccountId: string | null;
  /** The organization's id (`o-...`), from `DescribeOrganization`; null when it could not be read, absent in reports written before it. */
  organizationId?: string | null;
  roleName: string;
  cloudTrail: { enabled: boolean; region: string; sinceDays: number };
  /** Every account Organizations listed, audited or not, in the order listed; a shard's part has only its own. */
  accounts: AccountAudit[];
  /** Only in a shard's part; a whole run (single or merged) has none. */
  shard?: ShardTag;
  /** What the set-up could not establish and what that costs (the management account unknown), for the summary. */
  setupNotes?: string[];
  /** Roles of one account that principals of another can assume, alone or through a chain; absent before they are assessed. */
  accessPaths?: AccessPath[];
  /** IAM Identity Center, read once for the organization (by the first shard of a sharded run); absent when not read. */
  identityCenter?: IdentityCenterRecord;
}

/**
 * The run's own fields with these accounts: what a JSON report holds beyond them (summary,
 * findings, maturity, a shard tag) is left out.
 */
export function auditRunWith(run: AuditRun, accounts: AccountAudit[]): AuditRun {
  return {
    schemaVersion: run.schemaVersion,
    runTimestamp: run.runTimestamp,
    ...(run.runId === undefined ? {} : { runId: run.runId }),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    partition: run.partition,
    managementAccountId: run.managementAccountId,
    ...(run.organizationId === undefined ? {} : { organizationId: run.organizationId }),
    roleName: run.roleName,
    cloudTrail: run.cloudTrail,
    accounts,
    ...(run.setupNotes === undefined ? {} : { setupNotes: run.setupNotes }),
    ...(run.identityCenter === undefined ? {} : { identityCenter: run.identityCenter }),
  };
}

// What a simulated organization is made of: the specs a test or benchmark writes (accounts, users,
// keys, MFA devices, events, policies), the faults it injects and the organization's options. Plain
// types only, so every per-service module (and the credential report and inventory builders) can
// read them without importing the organization.
import type { ConnectionFault } from './connection-fault-server';
import type { SimulatedErrorCode, SimulatedService } from './simulated-errors';
import type { SimulatedSecurityHubOptions } from './simulated-security-hub';

export interface SimulatedAccessKeySpec {
  /** Generated (`AKIA` + account id + counter) when absent. */
  id?: string;
  status?: 'Active' | 'Inactive';
  created: string;
  /** Absent or null: never used. */
  lastUsed?: { date: string; service: string; region: string } | null;
}

export type SimulatedMfaSpec =
  | { type: 'virtual'; enabled?: string }
  | { type: 'hardware'; serial?: string; enabled?: string }
  /** FIDO security key: its serial is an ARN `arn:aws:iam::<acct>:u2f/user/<name>/<id>`. */
  | { type: 'security-key'; id?: string; enabled?: string };

/** A policy document as written in IAM (`Version`, `Statement`). */
export type SimulatedPolicyDocument = Record<string, unknown>;

/** What gives a user, group or role its permissions. Policies are named by ARN (`arn:aws:iam::aws:policy/AdministratorAccess`). */
export interface SimulatedPrincipalPoliciesSpec {
  attachedPolicies?: string[];
  inlinePolicies?: { name: string; document: SimulatedPolicyDocument }[];
  /** ARN of a managed policy used as permissions boundary (users and roles). */
  permissionsBoundary?: string;
}

export interface SimulatedGroupSpec extends SimulatedPrincipalPoliciesSpec {
  name: string;
}

export interface SimulatedRoleSpec extends SimulatedPrincipalPoliciesSpec {
  name: string;
  path?: string;
  created?: string;
  /** The trust policy. */
  trust: SimulatedPolicyDocument;
  /** `RoleLastUsed`; absent or null: never used. */
  lastUsed?: string | null;
}

/** A customer managed policy of the account. */
export interface SimulatedManagedPolicySpec {
  name: string;
  path?: string;
  document: SimulatedPolicyDocument;
}

export interface SimulatedPasswordPolicySpec {
  MinimumPasswordLength?: number;
  PasswordReusePrevention?: number;
  MaxPasswordAge?: number;
  RequireSymbols?: boolean;
  RequireNumbers?: boolean;
  RequireUppercaseCharacters?: boolean;
  RequireLowercaseCharacters?: boolean;
}

export interface SimulatedUserSpec extends SimulatedPrincipalPoliciesSpec {
  name: string;
  /** Group names (the groups are the account's `groups`). */
  groups?: string[];
  path?: string;
  created?: string;
  /** Present: the user has a console password (login profile). */
  password?: { created?: string; lastUsed?: string | null; lastChanged?: string };
  /** At most two, as in IAM. */
  accessKeys?: SimulatedAccessKeySpec[];
  mfa?: SimulatedMfaSpec[];
}

export interface SimulatedRootSpec {
  mfa?: 'virtual' | 'hardware' | 'none';
  /** false: no root password (centralized root access removed it); default true. */
  password?: boolean;
  accessKeys?: SimulatedAccessKeySpec[];
  passwordLastUsed?: string | null;
}

export interface SimulatedEventSpec {
  eventName: string;
  /** Default `iam.amazonaws.com` (`signin.amazonaws.com` for ConsoleLogin). */
  eventSource?: string;
  eventTime: string;
  /** The caller; `root` for the root user. */
  username?: string;
  resources?: { type: string; name: string }[];
  sourceIPAddress?: string;
  /** Region the event is recorded in; IAM events are in us-east-1. */
  region?: string;
  /** ConsoleLogin result. */
  consoleLogin?: 'Success' | 'Failure';
  errorCode?: string;
  eventId?: string;
  /**
   * An Identity Center sign-in (`UserAuthentication`, source `signin.amazonaws.com`): the user
   * who signed in and the credentials the sign-in asked (`PASSWORD,TOTP`, `EXTERNAL_IDP`).
   */
  identityCenterUser?: { userId: string; userName: string; credentialType?: string };
}

export interface SimulatedAccountSpec {
  id: string;
  name: string;
  email?: string;
  /** `ACTIVE` (default), `SUSPENDED`, `PENDING_CLOSURE`... */
  state?: string;
  /** `Status`: answer with the retired `Status` field only, as older organizations did. */
  stateField?: 'State' | 'Status';
  created?: string;
  /** `missing`: AssumeRole into the audit role is denied, as AWS does for a role that does not exist. */
  auditRole?: 'present' | 'missing';
  /** When set, AssumeRole must pass this ExternalId. */
  externalId?: string;
  /** A function is called once, on first use: large organizations are built lazily. */
  users?: SimulatedUserSpec[] | (() => SimulatedUserSpec[]);
  root?: SimulatedRootSpec;
  events?: SimulatedEventSpec[] | (() => SimulatedEventSpec[]);
  /** Virtual MFA devices created but not assigned to anyone. */
  unassignedVirtualMfaDevices?: number;
  groups?: SimulatedGroupSpec[];
  roles?: SimulatedRoleSpec[];
  /** Customer managed policies. */
  policies?: SimulatedManagedPolicySpec[];
  /**
   * null: the account has no password policy (GetAccountPasswordPolicy answers NoSuchEntity).
   * Absent: one that meets CIS AWS Foundations (14 characters, 24 passwords remembered).
   */
  passwordPolicy?: SimulatedPasswordPolicySpec | null;
  /** A credential report generated less than four hours ago exists: GenerateCredentialReport answers COMPLETE at once. */
  credentialReportExists?: boolean;
  /** The credential report's content as answered instead of the genuine one (`garbage\n`, an HTML page...). */
  credentialReportContent?: string;
}

/** A user of the Identity Center's identity store. */
export interface SimulatedIdentityCenterUserSpec {
  userName: string;
  displayName?: string;
  /** Generated from the user's position when absent. */
  userId?: string;
}

export interface SimulatedIdentityCenterGroupSpec {
  displayName: string;
  /** User names of its members. */
  members: string[];
  groupId?: string;
}

/** A customer managed policy named in a permission set, resolved by name and path in each account. */
export interface SimulatedPolicyReferenceSpec {
  name: string;
  path?: string;
}

export interface SimulatedPermissionSetSpec {
  name: string;
  /** ISO 8601 (`PT12H`); AWS's default, one hour, when absent. */
  sessionDuration?: string;
  /** AWS managed policies, by ARN. */
  managedPolicies?: string[];
  customerManagedPolicies?: SimulatedPolicyReferenceSpec[];
  inlinePolicy?: SimulatedPolicyDocument;
  permissionsBoundary?: { managedPolicyArn: string } | { customerManagedPolicy: SimulatedPolicyReferenceSpec };
}

/** A permission set given to a user or a group in an account (provisioning it there). */
export interface SimulatedAccountAssignmentSpec {
  accountId: string;
  permissionSet: string;
  principal: { user: string } | { group: string };
}

/**
 * The organization's IAM Identity Center: an instance in the management account, or administered
 * from a delegated administrator account (`delegatedAdministrator`), in its home region.
 */
export interface SimulatedIdentityCenterSpec {
  /** Registered with Organizations as the delegated administrator of `sso.amazonaws.com`. */
  delegatedAdministrator?: string;
  /** Home region; default us-east-1. ListInstances in any other region answers no instance. */
  region?: string;
  identityStoreId?: string;
  /** A function is called once, on first use. */
  users: SimulatedIdentityCenterUserSpec[] | (() => SimulatedIdentityCenterUserSpec[]);
  groups?: SimulatedIdentityCenterGroupSpec[] | (() => SimulatedIdentityCenterGroupSpec[]);
  permissionSets: SimulatedPermissionSetSpec[];
  assignments: SimulatedAccountAssignmentSpec[] | (() => SimulatedAccountAssignmentSpec[]);
}

export interface SimulatedFault {
  /** Operation name without `Command`: `ListMFADevices`, `AssumeRole`, `ListAccounts`... */
  operation: string;
  /**
   * The account the call concerns: for AssumeRole the target account, for Organizations and
   * GetCallerIdentity the caller's account, for IAM and CloudTrail the account whose
   * credentials signed the call. Absent: every account.
   */
  accountId?: string;
  /** The error answered. Give this or `connection`. */
  error?: SimulatedErrorCode | (() => Error);
  /**
   * A fault on the wire instead of an answer: `hang` accepts the request and never answers,
   * `drop` cuts the connection while the request is sent, `empty-200`, `html-200` and
   * `foreign-xml-200` answer 200 with a body that is not the operation's answer. Played by a real local server, so the
   * client's timeouts and retries are the real ones.
   */
  connection?: ConnectionFault;
  /** How many calls fail; absent: every call. */
  times?: number;
  /** Only calls whose input matches, e.g. `(input) => input.UserName === 'alice'`. */
  matches?: (input: Record<string, unknown>) => boolean;
}

/** The auditor's own identity: an IAM user's long-lived key, or a role session's temporary credentials. */
export type SimulatedCaller = { user: string } | { role: string; session: string };

export interface SimulatedOrganizationOptions {
  managementAccountId: string;
  partition?: string;
  organizationId?: string;
  /** Name of the audit role that exists in the accounts (default `OrganizationAccountAccessRole`). */
  auditRoleName?: string;
  /**
   * Whose credentials the auditor's own clients carry (its caller in the management account).
   * Default `{ user: 'auditor' }`: an IAM user with a long-lived key (`AKIA...`). `{ role, session }`:
   * a session of that role (`ASIA...` with a session token and an expiry), as the deployment's
   * Fargate task runs as its task role.
   */
  caller?: SimulatedCaller;
  /** Page sizes: Organizations at most 20, IAM 100, CloudTrail 50, Identity Center 100 by default, as in AWS. */
  pageSizes?: { organizations?: number; iam?: number; cloudTrail?: number; identityCenter?: number };
  /** IAM Identity Center; absent: the organization has no instance. */
  identityCenter?: SimulatedIdentityCenterSpec;
  /** Lifetime of AssumeRole credentials (fractions allowed). Default 3600. */
  sessionDurationSeconds?: number;
  /** Calls that still answer "in progress" after the first GenerateCredentialReport. Default 0. */
  credentialReportInProgressCalls?: number;
  /** Added to every call, for benchmarks. */
  latencyMs?: number;
  /** A share of all calls (0..1) answered with throttling; the same seed throttles the same calls. */
  randomThrottling?: { rate: number; seed: number };
  /** Throttle LookupEvents beyond 2 calls per second per account, as CloudTrail does. */
  enforceLookupEventsRate?: boolean;
  /** Security Hub in every account (the auditor imports into its own): enabled by default, rate limits not enforced. */
  securityHub?: SimulatedSecurityHubOptions;
  /** Keep every call (operation, account, input) in `callLog`. */
  recordCalls?: boolean;
  /**
   * Keep the resolved users, keys and events of at most this many accounts, least recently used
   * dropped first, and build credential report contents when they are read. Accounts given with
   * `users` and `events` functions are rebuilt identically when needed again, so a benchmark of
   * 10,000 accounts measures the auditor's memory rather than the fixture's. Default: keep all.
   */
  maxAccountsInMemory?: number;
  now?: () => Date;
}

export interface SimulatedCall {
  service: SimulatedService;
  operation: string;
  accountId: string;
  input: Record<string, unknown>;
}
// The auditor's domain facts, each computed here and nowhere else: a key's age, whether it is older
// than the configured maximum, never used or unused for a while, whether a user has MFA and how
// strong it is, who is a console user, and how many accounts were audited. The rules, the maturity
// assessment, the closing summary, the history, the comparison, the dashboard and (through the
// summary) the notification all ask these functions, so their numbers cannot disagree.
//
// One rounding rule: an age is a whole number of days, floored, measured from the run's start
// (`run.startedAt`), never from the wall clock, so a report re-read later says the same thing.
// A key created 90 days and 23 hours before the run is 90 days old.
// - "older than N days" means an age greater than N whole days: that key is not older than 90
//   days; one created 91 days before the run is.
// - "unused for N days" means at least N whole days since the last use (or, for a password never
//   used, since the user was created): the limit is how long a credential may sit idle.
// - "within N days" means at most N whole days ago.
// Every N comes from the run's configuration (`FindingThresholds`, `--key-max-age-days` and the
// other report flags); no threshold is written down here.
import type { AccessKeyRecord, AccountAudit, AuditRun, IamUserRecord, MfaType, RootRecord } from '../model';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The run's reference time, in milliseconds since the epoch: its start. */
export function runReference(run: Pick<AuditRun, 'startedAt'>): number {
  const reference = Date.parse(run.startedAt);
  if (Number.isNaN(reference)) throw new Error(`run startedAt ${JSON.stringify(run.startedAt)} is not a date`);
  return reference;
}

/** Whole days from `isoDate` to `reference`, floored. */
export function ageInDays(reference: number, isoDate: string): number {
  return Math.floor((reference - Date.parse(isoDate)) / DAY_MS);
}

/** `days` whole days before `time`: the start of a look-back window such as CloudTrail's. */
export function daysBefore(time: Date, days: number): Date {
  return new Date(time.getTime() - days * DAY_MS);
}


/** An age greater than `limitDays` whole days. */
export function isOlderThan(ageDays: number, limitDays: number): boolean {
  return ageDays > limitDays;
}

/** At least `limitDays` whole days idle. */
export function isUnusedFor(idleDays: number, limitDays: number): boolean {
  return idleDays >= limitDays;
}

/** At most `limitDays` whole days ago. */
export function isWithin(ageDays: number, limitDays: number): boolean {
  return ageDays <= limitDays;
}

export function isActiveKey(key: AccessKeyRecord): boolean {
  return key.status === 'Active';
}

export function keyAgeDays(key: AccessKeyRecord, reference: number): number {
  return ageInDays(reference, key.createdDate);
}

/** An active key older than the configured maximum (`--key-max-age-days`): due for rotation. */
export function isActiveKeyOlderThan(key: AccessKeyRecord, reference: number, keyMaxAgeDays: number): boolean {
  return isActiveKey(key) && isOlderThan(keyAgeDays(key, reference), keyMaxAgeDays);
}

export function isNeverUsed(key: AccessKeyRecord): boolean {
  return key.lastUsedDate === null;
}

/** Whole days since the key was last used; null when it never was. */
export function keyIdleDays(key: AccessKeyRecord, reference: number): number | null {
  return key.lastUsedDate === null ? null : ageInDays(reference, key.lastUsedDate);
}

/** Whole days since the password was last used or, never used, since the user was created. */
export function passwordIdleDays(user: IamUserRecord, reference: number): number {
  return ageInDays(reference, user.passwordLastUsed ?? user.createdDate);
}

/** A user who can sign in to the console: one with a password. */
export function isConsoleUser(user: IamUserRecord): boolean {
  return user.passwordEnabled;
}

/**
 * The root user's long-lived credentials: `password` (also when it is not known whether there is
 * one) and `access key` (any present, active or not). Empty after centralized root access removed
 * them: MFA is then neither possible nor necessary (CIS AWS Foundations v7.0 2.6).
 */
export function rootCredentials(root: RootRecord): ('password' | 'access key')[] {
  const credentials: ('password' | 'access key')[] = [];
  if (root.passwordEnabled !== false) credentials.push('password');
  if (root.accessKeysPresent > 0 || root.accessKeysActive) credentials.push('access key');
  return credentials;
}

/**
 * The user has an MFA device. A device whose type could not be read still counts: the credential
 * report said MFA is active, and the account is marked partial for the type.
 */
export function hasMfa(user: IamUserRecord): boolean {
  return user.mfaActive || user.mfaType !== 'None';
}

/** How strong the user's MFA is: the strongest device type, `Unknown` when MFA is active but the type could not be read. */
export function mfaStrength(user: IamUserRecord): MfaType {
  return user.mfaActive && user.mfaType === 'None' ? 'Unknown' : user.mfaType;
}

/** Deliberately skipped accounts (not ACTIVE, filtered out) are out of scope: a choice, not a blind spot. */
export function isInScope(account: AccountAudit): boolean {
  return account.coverage.skipped === null;
}

/** Where an account stands: audited completely, in part, not at all, or deliberately skipped. */
export type CoverageClass = 'audited' | 'partial' | 'notAudited' | 'skipped';

export function coverageClass(account: AccountAudit): CoverageClass {
  if (!isInScope(account)) return 'skipped';
  if (account.coverage.audited === 'yes') return 'audited';
  return account.coverage.audited === 'partial' ? 'partial' : 'notAudited';
}

/** In scope but not audited completely: an account someone has to look at. */
export function isAuditIncomplete(account: AccountAudit): boolean {
  const coverage = coverageClass(account);
  return coverage === 'partial' || coverage === 'notAudited';
}

export interface CoverageCounts {
  listed: number;
  /** Listed and not deliberately skipped. */
  inScope: number;
  /** In scope and audited completely. */
  audited: number;
  partial: number;
  notAudited: number;
  skipped: number;
}

export function coverageCounts(accounts: readonly AccountAudit[]): CoverageCounts {
  const counts: CoverageCounts = { listed: accounts.length, inScope: 0, audited: 0, partial: 0, notAudited: 0, skipped: 0 };
  for (const account of accounts) counts[coverageClass(account)] += 1;
  counts.inScope = counts.listed - counts.skipped;
  return counts;
}

/** Every account in scope was audited completely. */
export function isCoverageComplete(counts: CoverageCounts): boolean {
  return counts.partial === 0 && counts.notAudited === 0;
}

export interface CredentialCounts {
  users: number;
  consoleUsers: number;
  consoleUsersWithMfa: number;
  accessKeys: number;
  activeAccessKeys: number;
  /** Active user access keys older than the configured maximum. */
  activeKeysOlderThanMaxAge: number;
  activeKeysNeverUsed: number;
  /** Root access keys of accounts whose root key is active (the credential report gives no count of active ones: at least one). */
  rootAccessKeys: number;
}

export function credentialCounts(accounts: readonly AccountAudit[], reference: number, keyMaxAgeDays: number): CredentialCounts {
  const counts: CredentialCounts = {
    users: 0, consoleUsers: 0, consoleUsersWithMfa: 0, accessKeys: 0, activeAccessKeys: 0, activeKeysOlderThanMaxAge: 0, activeKeysNeverUsed: 0, rootAccessKeys: 0,
  };
  for (const account of accounts) {
    for (const user of account.users) {
      counts.users += 1;
      if (isConsoleUser(user)) {
        counts.consoleUsers += 1;
        if (hasMfa(user)) counts.consoleUsersWithMfa += 1;
      }
      for (const key of user.accessKeys) {
        counts.accessKeys += 1;
        if (!isActiveKey(key)) continue;
        counts.activeAccessKeys += 1;
        if (isActiveKeyOlderThan(key, reference, keyMaxAgeDays)) counts.activeKeysOlderThanMaxAge += 1;
        if (isNeverUsed(key)) counts.activeKeysNeverUsed += 1;
      }
    }
    if (account.root?.accessKeysActive) counts.rootAccessKeys += Math.max(1, account.root.accessKeysPresent);
  }
  return counts;
}

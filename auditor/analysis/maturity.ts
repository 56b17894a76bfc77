// The AWS Security Maturity Model indicators the seed asks for ("quantify gaps"), org-wide and per
// account, and the level of the two IAM controls the audit can see, by the seed's criteria:
//
// | level       | Phase 1: MFA                                   | Phase 2: temporary credentials                  |
// | Not Started | no visibility into MFA coverage                | no inventory of long-term credentials           |
// | In Progress | audits run, gaps identified                    | access keys identified and catalogued           |
// | Complete    | 100% of console users have MFA                 | keys older than --key-max-age-days eliminated   |
// | Advanced    | policy prevents console access without MFA     | temporary credentials for all programmatic use  |
//
// "Visibility" needs the account's users: an account that was not audited is Not Started, and a
// scope with a partially audited account cannot be Complete, because what was not seen may fail.
// Advanced is claimed only where it is proven: the SCPs in effect, evaluated (analysis/guardrails.ts),
// deny console sessions without MFA (Phase 1) or the creation of access keys (Phase 2) for every
// user of every account in scope, none exempted. The management account is never covered by SCPs,
// so it, and a scope that holds it, is never Advanced.
import type { AccountAudit, AuditRun, GuardrailVerdict } from '../model';
import { DEFAULT_THRESHOLDS } from './findings/thresholds';
import { coverageCounts, credentialCounts, isInScope, runReference } from './facts';
import { isProvenDenied } from './guardrail-verdicts';
import { plural } from '../values/plural';

export const MATURITY_LEVELS = ['Not Started', 'In Progress', 'Complete', 'Advanced'] as const;
export type MaturityLevel = (typeof MATURITY_LEVELS)[number];

export interface MaturityIndicators {
  consoleUsers: number;
  consoleUsersWithMfa: number;
  /** Whole percent, rounded down so 99.6% never shows as 100; null when there is no console user. */
  mfaCoveragePercent: number | null;
  /** Active IAM user access keys. */
  activeAccessKeys: number;
  /** Active IAM user access keys older than the configured maximum (`--key-max-age-days`). */
  keysOlderThanMaxAge: number;
  /** Active user access keys plus root access keys: every long-term programmatic credential. */
  longTermCredentials: number;
  rootAccessKeys: number;
}

export interface ControlMaturity {
  level: MaturityLevel;
  /** Why this level and what the next one needs. */
  reason: string;
}

export interface MaturityAssessment {
  indicators: MaturityIndicators;
  mfa: ControlMaturity;
  temporaryCredentials: ControlMaturity;
}

export interface AccountMaturity extends MaturityAssessment {
  accountId: string;
  accountName: string;
}

export interface MaturitySummary {
  keyMaxAgeDays: number;
  organization: MaturityAssessment;
  /** Accounts that were deliberately skipped are left out. */
  accounts: AccountMaturity[];
}

function indicatorsOf(accounts: readonly AccountAudit[], reference: number, keyMaxAgeDays: number): MaturityIndicators {
  const counts = credentialCounts(accounts, reference, keyMaxAgeDays);
  return {
    consoleUsers: counts.consoleUsers,
    consoleUsersWithMfa: counts.consoleUsersWithMfa,
    mfaCoveragePercent: counts.consoleUsers > 0 ? Math.floor((counts.consoleUsersWithMfa / counts.consoleUsers) * 100) : null,
    activeAccessKeys: counts.activeAccessKeys,
    keysOlderThanMaxAge: counts.activeKeysOlderThanMaxAge,
    longTermCredentials: counts.activeAccessKeys + counts.rootAccessKeys,
    rootAccessKeys: counts.rootAccessKeys,
  };
}

interface Visibility {
  /** Accounts whose users were read (complete or partial). */
  seen: number;
  /** Accounts that should have been audited and were not, or only in part. */
  incomplete: number;
}

function visibilityOf(accounts: readonly AccountAudit[]): Visibility {
  const counts = coverageCounts(accounts);
  return { seen: counts.audited + counts.partial, incomplete: counts.partial + counts.notAudited };
}

/** Whether a guardrail is proven, for every account of a scope, with nobody exempted; why not otherwise. */
interface GuardrailProof {
  proven: boolean;
  /** Why it is not proven, for the reason of a level that stays Complete. */
  missing: string;
}

function guardrailProof(accounts: readonly AccountAudit[], verdictOf: (audit: AccountAudit) => GuardrailVerdict | undefined, what: string): GuardrailProof {
  const management = accounts.filter((audit) => audit.account.isManagementAccount).length;
  if (management > 0) return { proven: false, missing: `the management account is never covered by SCPs, so no SCP can prove ${what} there` };
  const unproven = accounts.filter((audit) => !isProvenDenied(verdictOf(audit)));
  if (unproven.length > 0) {
    return { proven: false, missing: accounts.length === 1 ? `no SCP in effect is proven to deny ${what}` : `${plural(unproven.length, 'account')} without an SCP proven to deny ${what}` };
  }
  const exempted = accounts.reduce((sum, audit) => sum + (verdictOf(audit)?.exemptedUsers.length ?? 0), 0);
  if (exempted > 0) return { proven: false, missing: `the SCPs deny ${what} except for ${plural(exempted, 'exempted user')}` };
  return { proven: true, missing: '' };
}

function mfaMaturity(indicators: MaturityIndicators, visibility: Visibility, proof: GuardrailProof): ControlMaturity {
  if (visibility.seen === 0) return { level: 'Not Started', reason: 'no account could be audited: no visibility into MFA coverage' };
  const without = indicators.consoleUsers - indicators.consoleUsersWithMfa;
  if (without > 0) return { level: 'In Progress', reason: `${without} of ${indicators.consoleUsers} console users have no MFA` };
  if (visibility.incomplete > 0) return { level: 'In Progress', reason: `${plural(visibility.incomplete, 'account')} not audited completely: coverage cannot be confirmed` };
  const complete = indicators.consoleUsers === 0 ? 'no console users' : `all ${indicators.consoleUsers} console users have MFA`;
  if (proof.proven) return { level: 'Advanced', reason: `${complete}; console sessions without MFA are denied by SCP` };
  return { level: 'Complete', reason: `${complete}; Advanced needs console sessions without MFA denied: ${proof.missing}` };
}

function temporaryCredentialsMaturity(indicators: MaturityIndicators, visibility: Visibility, keyMaxAgeDays: number, proof: GuardrailProof): ControlMaturity {
  if (visibility.seen === 0) return { level: 'Not Started', reason: 'no account could be audited: no inventory of long-term credentials' };
  const oldOrRoot = indicators.keysOlderThanMaxAge + indicators.rootAccessKeys;
  if (oldOrRoot > 0) {
    const parts = [];
    if (indicators.keysOlderThanMaxAge > 0) parts.push(`${plural(indicators.keysOlderThanMaxAge, 'active key')} older than ${plural(keyMaxAgeDays, 'day')}`);
    if (indicators.rootAccessKeys > 0) parts.push(plural(indicators.rootAccessKeys, 'root access key'));
    return { level: 'In Progress', reason: `${plural(indicators.longTermCredentials, 'long-term credential')} catalogued; ${parts.join(', ')}` };
  }
  if (visibility.incomplete > 0) return { level: 'In Progress', reason: `${plural(visibility.incomplete, 'account')} not audited completely: old keys cannot be ruled out` };
  if (indicators.longTermCredentials > 0) return { level: 'Complete', reason: `no key older than ${plural(keyMaxAgeDays, 'day')}; ${plural(indicators.longTermCredentials, 'active key')} ${indicators.longTermCredentials === 1 ? 'remains' : 'remain'} before Advanced` };
  if (proof.proven) return { level: 'Advanced', reason: 'no active long-term access keys, and creating one is denied by SCP: programmatic access uses temporary credentials' };
  return { level: 'Complete', reason: `no active long-term access keys; Advanced needs creating one denied: ${proof.missing}` };
}

function assess(accounts: readonly AccountAudit[], reference: number, keyMaxAgeDays: number): MaturityAssessment {
  const indicators = indicatorsOf(accounts, reference, keyMaxAgeDays);
  const visibility = visibilityOf(accounts);
  return {
    indicators,
    mfa: mfaMaturity(indicators, visibility, guardrailProof(accounts, (audit) => audit.guardrails?.consoleMfa, 'console sessions without MFA')),
    temporaryCredentials: temporaryCredentialsMaturity(indicators, visibility, keyMaxAgeDays, guardrailProof(accounts, (audit) => audit.guardrails?.noAccessKeys, 'the creation of access keys')),
  };
}

export function assessMaturity(run: AuditRun, keyMaxAgeDays: number = DEFAULT_THRESHOLDS.keyMaxAgeDays): MaturitySummary {
  const reference = runReference(run);
  const inScope = run.accounts.filter(isInScope);
  return {
    keyMaxAgeDays,
    organization: assess(inScope, reference, keyMaxAgeDays),
    accounts: inScope.map((account) => ({ accountId: account.account.id, accountName: account.account.name, ...assess([account], reference, keyMaxAgeDays) })),
  };
}

function percent(value: number | null): string {
  return value === null ? 'n/a (no console users)' : `${value}%`;
}

/** The maturity block printed at the end of a run. */
export function formatMaturity(summary: MaturitySummary): string {
  const { indicators, mfa, temporaryCredentials } = summary.organization;
  const lines = [
    'Security maturity (AWS SMM)',
    `  console users with MFA: ${indicators.consoleUsersWithMfa} of ${indicators.consoleUsers} (${percent(indicators.mfaCoveragePercent)})`,
    `  active keys older than ${plural(summary.keyMaxAgeDays, 'day')}: ${indicators.keysOlderThanMaxAge}`,
    `  long-term credentials: ${indicators.longTermCredentials} (${plural(indicators.activeAccessKeys, 'user access key')}, ${plural(indicators.rootAccessKeys, 'root access key')})`,
    `  Phase 1 MFA: ${mfa.level} (${mfa.reason})`,
    `  Phase 2 temporary credentials: ${temporaryCredentials.level} (${temporaryCredentials.reason})`,
  ];
  const done = (level: MaturityLevel) => level === 'Complete' || level === 'Advanced';
  const behind = summary.accounts.filter((account) => !done(account.mfa.level) || !done(account.temporaryCredentials.level));
  if (behind.length > 0) {
    lines.push('  accounts not yet Complete:');
    for (const account of behind) {
      // Account names come from AWS; JSON quoting keeps a control character from rewriting the terminal.
      lines.push(`    ${account.accountId} ${JSON.stringify(account.accountName)}: MFA ${account.mfa.level}, temporary credentials ${account.temporaryCredentials.level}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

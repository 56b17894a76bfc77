// The organization's guardrails as service control policies, pure functions of plain values so that
// the tests evaluate the very documents `pulumi up` attaches and `npm run infra:template` writes:
// - no access keys: `iam:CreateAccessKey` and `iam:UpdateAccessKey` denied for every IAM user, whoever
//   calls, except the users the exemptions file carves out, each until the end of its entry's
//   `expires` day, enforced by AWS itself (`DateGreaterThan aws:CurrentTime`);
// - console MFA: an IAM user's session without MFA (`aws:MultiFactorAuthPresent` false, as a console
//   sign-in without MFA carries it) is denied everything but setting up its own MFA. `Bool`, not
//   `BoolIfExists`: an access-key call carries no MFA key at all and keeps working; roles are not users;
// - no root user: the root user of a member account is denied everything, but for the privileged
//   tasks of centralized root access (`sts:AssumeRoot` sessions carry `aws:AssumedRoot`).
import { ACCESS_KEY_CREATION_ACTIONS, MFA_SELF_SERVICE_ACTIONS } from '../auditor/values/guardrails';
import { ANY, describeExemption, type ExemptionList, isInForce, ROOT_USER } from '../policy-pack/exemptions-format';

/** AWS Organizations' limit on an SCP document, whitespace included (the documents are sent minified). */
export const SCP_MAX_CHARACTERS = 5120;

export type GuardrailKind = 'no-access-keys' | 'console-mfa' | 'no-root-user';

export const GUARDRAIL_KINDS: readonly GuardrailKind[] = ['no-access-keys', 'console-mfa', 'no-root-user'];

/** Which SCPs the deployment attaches (each stack setting off by default). */
export interface GuardrailSettings {
  enforceNoAccessKeys: boolean;
  enforceConsoleMfa: boolean;
  enforceNoRootUser: boolean;
}

export function enabledGuardrails(settings: GuardrailSettings): GuardrailKind[] {
  return GUARDRAIL_KINDS.filter((kind) =>
    (kind === 'no-access-keys' && settings.enforceNoAccessKeys)
    || (kind === 'console-mfa' && settings.enforceConsoleMfa)
    || (kind === 'no-root-user' && settings.enforceNoRootUser));
}

/** An SCP statement: `Action` or `NotAction`, `Resource` or `NotResource`. */
export interface ScpStatement {
  Sid: string;
  Effect: 'Deny';
  Action?: string | string[];
  NotAction?: string[];
  Resource?: string | string[];
  NotResource?: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface ScpDocument {
  Version: '2012-10-17';
  Statement: ScpStatement[];
}

export interface GuardrailPolicy {
  kind: GuardrailKind;
  /** The SCP's name in AWS Organizations. */
  name: string;
  description: string;
  document: ScpDocument;
}

/** One user (or glob of users) in one account (or every account) allowed access keys until a day ends. */
export interface AccessKeyCarveOut {
  /** A 12-digit account id, or `*`. */
  account: string;
  /** An IAM user name, or a pattern of `*` and `?`. */
  user: string;
  /** The last day it holds, `YYYY-MM-DD` (through 23:59:59 UTC). */
  expires: string;
  /** Where the entry is declared: `exemptions.yaml line 4`. */
  declaredAt: string;
}

/** A guardrail that cannot be built as configured; the message says why and what to change. */
export class GuardrailError extends Error {
  override readonly name = 'GuardrailError';
}

/** The rules whose exemptions are carve-outs of the access-key SCP: every `access-key-*` rule, and `*`. */
export function isAccessKeyRule(rule: string): boolean {
  return rule === ANY || rule.startsWith('access-key-');
}

// What an IAM ARN pattern can say: IAM name characters and the wildcards `*` and `?`.
const IAM_USER_PATTERN = /^[A-Za-z0-9+=,.@_*?-]+$/;

/**
 * Refuses the file once any of its entries has expired (at `pulumi up`, `now`), whichever rule it
 * names: a deployment never uploads or enforces a file the audit would report as out of date.
 */
export function refuseExpiredExemptions(list: ExemptionList, now: number): void {
  const expired = list.entries.find((entry) => !isInForce(entry, now));
  if (expired !== undefined) {
    throw new GuardrailError(`${list.source} ${expired.declaredAt}: the exemption (${describeExemption(expired)}) expired on ${expired.expires}; renew its expires or remove it before deploying`);
  }
}

/**
 * The carve-outs of the access-key SCP, from the one exemptions file. Every entry is refused once
 * it has expired (at `pulumi up`, `now`), whichever rule it names: an expired entry has to be
 * renewed or removed. Entries for the root user are not carve-outs (the root user has its own
 * guardrail); the same user and account named twice keeps the later day.
 */
export function accessKeyCarveOuts(list: ExemptionList, now: number): AccessKeyCarveOut[] {
  refuseExpiredExemptions(list, now);
  const byTarget = new Map<string, AccessKeyCarveOut>();
  for (const entry of list.entries) {
    if (!isAccessKeyRule(entry.rule) || entry.user === ROOT_USER) continue;
    if (!IAM_USER_PATTERN.test(entry.user)) {
      throw new GuardrailError(`${list.source} ${entry.declaredAt}: user ${JSON.stringify(entry.user)} cannot be carved out of the access-key SCP: an SCP names users by IAM name characters and the wildcards * and ? only (no [...], {...} or \\)`);
    }
    const key = `${entry.account}/${entry.user}`;
    const known = byTarget.get(key);
    if (known === undefined || known.expires < entry.expires) {
      byTarget.set(key, { account: entry.account, user: entry.user, expires: entry.expires, declaredAt: entry.declaredAt });
    }
  }
  return [...byTarget.values()].sort((a, b) => a.account.localeCompare(b.account) || a.user.localeCompare(b.user));
}

/** The user ARNs a carve-out stands for: the user at the default path and under any other path. */
export function carveOutArns(partition: string, carveOut: Pick<AccessKeyCarveOut, 'account' | 'user'>): string[] {
  const base = `arn:${partition}:iam::${carveOut.account}:user/`;
  return carveOut.user === ANY ? [`${base}*`] : [`${base}${carveOut.user}`, `${base}*/${carveOut.user}`];
}

/** The instant `aws:CurrentTime` must pass for a carve-out to end: the last second of its day, UTC. */
export function carveOutEnd(expires: string): string {
  return `${expires}T23:59:59Z`;
}

const ACCESS_KEY_ACTIONS = [...ACCESS_KEY_CREATION_ACTIONS];

export function noAccessKeysPolicy(partition: string, carveOuts: readonly AccessKeyCarveOut[]): GuardrailPolicy {
  const statements: ScpStatement[] = [];
  if (carveOuts.length === 0) {
    statements.push({ Sid: 'DenyAccessKeys', Effect: 'Deny', Action: ACCESS_KEY_ACTIONS, Resource: '*' });
  } else {
    statements.push({ Sid: 'DenyAccessKeysButExemptions', Effect: 'Deny', Action: ACCESS_KEY_ACTIONS, NotResource: carveOuts.flatMap((entry) => carveOutArns(partition, entry)) });
    // One statement per last day: the exempted users of that day are denied too once it has passed.
    const days = [...new Set(carveOuts.map((entry) => entry.expires))].sort();
    for (const day of days) {
      statements.push({
        Sid: `DenyAccessKeysAfter${day.replace(/-/g, '')}`,
        Effect: 'Deny',
        Action: ACCESS_KEY_ACTIONS,
        Resource: carveOuts.filter((entry) => entry.expires === day).flatMap((entry) => carveOutArns(partition, entry)),
        Condition: { DateGreaterThan: { 'aws:CurrentTime': carveOutEnd(day) } },
      });
    }
  }
  return {
    kind: 'no-access-keys',
    name: 'iam-audit-no-access-keys',
    description: 'IAM Audit Kit: no IAM user access key is created or reactivated, but for exemptions until their last day',
    document: { Version: '2012-10-17', Statement: statements },
  };
}

export function consoleMfaPolicy(partition: string): GuardrailPolicy {
  return {
    kind: 'console-mfa',
    name: 'iam-audit-console-mfa',
    description: 'IAM Audit Kit: an IAM user session without MFA can only set up MFA',
    document: {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'DenyUserSessionsWithoutMfa',
        Effect: 'Deny',
        NotAction: [...MFA_SELF_SERVICE_ACTIONS],
        Resource: '*',
        Condition: {
          // Bool: a request without the key (an access-key call) is not denied; BoolIfExists would deny it.
          Bool: { 'aws:MultiFactorAuthPresent': 'false' },
          ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:user/*` },
        },
      }],
    },
  };
}

export function noRootUserPolicy(partition: string): GuardrailPolicy {
  return {
    kind: 'no-root-user',
    name: 'iam-audit-no-root-user',
    description: 'IAM Audit Kit: the root user of a member account does nothing (centralized root tasks excepted)',
    document: {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'DenyRootUser',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` },
          // Present only in sts:AssumeRoot sessions from the management account (centralized root access).
          Null: { 'aws:AssumedRoot': 'true' },
        },
      }],
    },
  };
}

/** The document as sent to AWS Organizations: minified JSON. */
export function renderScp(document: ScpDocument): string {
  return JSON.stringify(document);
}

/** Refuses a document over the SCP size limit, naming the policy and what made it that long. */
export function checkScpSize(policy: GuardrailPolicy, cause: string): void {
  const length = renderScp(policy.document).length;
  if (length > SCP_MAX_CHARACTERS) {
    throw new GuardrailError(`the ${policy.name} SCP would be ${length} characters, more than the ${SCP_MAX_CHARACTERS} AWS Organizations allows: ${cause}`);
  }
}

/**
 * The SCPs of the enabled guardrails, each within the size limit. The access-key SCP is refused,
 * not split, when its carve-outs make it too long: its first statement must name every carve-out
 * at once (a split would deny each policy's carve-outs in the others).
 */
export function guardrailPolicies(settings: GuardrailSettings, carveOuts: readonly AccessKeyCarveOut[], partition: string, exemptionsSource = 'the exemptions file'): GuardrailPolicy[] {
  return enabledGuardrails(settings).map((kind) => {
    const policy = kind === 'no-access-keys' ? noAccessKeysPolicy(partition, carveOuts)
      : kind === 'console-mfa' ? consoleMfaPolicy(partition) : noRootUserPolicy(partition);
    checkScpSize(policy, kind === 'no-access-keys'
      ? `${carveOuts.length} carve-outs for access keys in ${exemptionsSource}; cover several users with one glob (break-glass-*), one account with "*" as user, or remove entries no longer needed`
      : 'the document itself');
    return policy;
  });
}

/** Every guardrail's SCP, for review or for attaching another way (`npm run infra:template`). */
export function allGuardrailPolicies(carveOuts: readonly AccessKeyCarveOut[], partition: string, exemptionsSource?: string): GuardrailPolicy[] {
  return guardrailPolicies({ enforceNoAccessKeys: true, enforceConsoleMfa: true, enforceNoRootUser: true }, carveOuts, partition, exemptionsSource);
}

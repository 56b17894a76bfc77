// The audit's exemptions file, honoured by the pack: a break-glass user declared once (account,
// user, rule, reason, expires) is muted in the audit's reports and may be given its key here. The
// parsing, matching and expiry are the format's (exemptions-format.ts, which the auditor reads the
// file with too), so the two can never disagree on what an entry means.
import { readFileSync } from 'fs';
import * as path from 'path';
import {
  ANY,
  describeExemption,
  ExemptionMatcher,
  ExemptionsError,
  isAccountId,
  isInForce,
  parseExemptionEntries,
  parseExemptionsYaml,
  type Exemption,
} from './exemptions-format';

/** A rule id of the audit (`access-key-very-old`); the pack knows only the ones its policies prevent. */
export type RuleId = string;

/** The pack config properties that carry exemptions (beside `exemptUserNames`). */
export interface ExemptionsConfig {
  /** Entries inline, the same shape as the file's. */
  exemptions?: unknown;
  /** A path to the exemptions YAML file: absolute, or relative to the policy pack's directory. */
  exemptionsFile?: unknown;
  /** The account the stacks deploy into; entries for another account (not `*`) do not apply. */
  accountId?: unknown;
}

/** An answer for one user: exempt by which entry, or not (and the expired entry that would have matched). */
export type UserExemption = { exempt: true; by: string } | { exempt: false; expired?: Exemption };

// Read once per path: the pack process answers many resources, the file does not change under it.
const filesRead = new Map<string, Exemption[]>();

function readExemptionsFile(file: string, policy: string): Exemption[] {
  // Relative to the pack's own directory, whatever directory the engine starts the pack in.
  const resolved = path.resolve(__dirname, file);
  const cached = filesRead.get(resolved);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new ExemptionsError(`${policy}: config "exemptionsFile": cannot read ${resolved}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { entries } = parseExemptionsYaml(text, file);
  filesRead.set(resolved, entries);
  return entries;
}

/**
 * The exemptions a policy honours: entries for its account (or `*`) about one of `rules` (or `*`),
 * matched by the user name with the audit's own matcher and expiry rule, measured at `now`.
 */
export class PolicyExemptions {
  private readonly matchers: ExemptionMatcher[];

  constructor(
    entries: readonly Exemption[],
    /** The account the stacks deploy into, when the config names it. */
    private readonly accountId: string | undefined,
    /** The audit's rules the policy prevents: an entry for one of them (or `*`) applies. */
    private readonly rules: readonly RuleId[],
    private readonly now: () => number = Date.now,
  ) {
    // Only the entries for this account (or every account) about one of the policy's rules (or all).
    this.matchers = entries
      .filter((entry) => entry.account === ANY || entry.account === accountId)
      .filter((entry) => entry.rule === ANY || (rules as readonly string[]).includes(entry.rule))
      .map((entry) => new ExemptionMatcher(entry));
  }

  /** True when some entry could exempt some user (in force or not): an unknown user name then matters. */
  get any(): boolean {
    return this.matchers.length > 0;
  }

  check(userName: string): UserExemption {
    const reference = this.now();
    let expired: Exemption | undefined;
    // Without a known account only entries for every account ("*") can match.
    const accountId = this.accountId ?? '';
    for (const matcher of this.matchers) {
      if (!this.rules.some((ruleId) => matcher.matches({ accountId, user: userName, ruleId }))) continue;
      if (isInForce(matcher.entry, reference)) return { exempt: true, by: matcher.entry.declaredAt };
      expired ??= matcher.entry;
    }
    return expired === undefined ? { exempt: false } : { exempt: false, expired };
  }
}

/** Reads `exemptions`, `exemptionsFile` and `accountId` from a policy's config; errors name the policy and the property. */
export function readPolicyExemptions(config: ExemptionsConfig, policy: string, rules: readonly RuleId[]): PolicyExemptions {
  const entries: Exemption[] = [];
  if (config.exemptions !== undefined) entries.push(...parseExemptionEntries(config.exemptions, `${policy} config`).entries);
  if (config.exemptionsFile !== undefined) {
    if (typeof config.exemptionsFile !== 'string' || config.exemptionsFile.trim() === '') {
      throw new ExemptionsError(`${policy}: config "exemptionsFile" must be the path of the exemptions YAML file, got ${JSON.stringify(config.exemptionsFile)}`);
    }
    entries.push(...readExemptionsFile(config.exemptionsFile, policy));
  }
  let accountId: string | undefined;
  if (config.accountId !== undefined) {
    if (typeof config.accountId !== 'string' || !isAccountId(config.accountId)) {
      throw new ExemptionsError(`${policy}: config "accountId" must be a 12-digit AWS account id in quotes, got ${JSON.stringify(config.accountId)}`);
    }
    accountId = config.accountId;
  }
  return new PolicyExemptions(entries, accountId, rules);
}

/** How a violation names an expired entry that would have exempted the user. */
export function expiredNote(entry: Exemption): string {
  return ` The exemption ${entry.declaredAt} (${describeExemption(entry)}) expired on ${entry.expires}: renew it with a new expires date, or remove the key.`;
}

// The exemptions file: findings a team has accepted for a while (a sealed break-glass key), each
// with a reason and a last day. The same entries are honoured by the audit (a matching finding is
// muted: kept in every report, apart from the open ones), by the guardrails pack (a matching user
// may be given what the pack would otherwise stop) and by the deployment (the access-key SCP's
// carve-outs), so this module is pure, has no I/O and lives in the pack, which ships on its own
// (`pulumi policy publish` packs only policy-pack/): it imports nothing outside this folder. The
// auditor binds it to its rule catalogue (auditor/analysis/exemptions.ts).
//
//   exemptions:
//     - account: "015197090613"      # an account id, or "*"
//       user: break-glass-*          # an IAM user name or a glob; "root" for the root user
//       rule: "*"                    # a rule id of the catalogue, or "*"
//       reason: Sealed break-glass key, rotated by the platform team
//       expires: 2027-06-30          # the last day it is in force (UTC)
import { Minimatch } from 'minimatch';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';

/** Matches any account, user or rule. */
export const ANY = '*';
/** The `user` that root findings are matched by (besides `*`). */
export const ROOT_USER = 'root';
/** The rule of the finding an expired entry gives; it is never muted itself. */
export const EXEMPTION_EXPIRED_RULE = 'exemption-expired';

/**
 * The coverage findings: they say the audit did not see an account (or all of it), so muting
 * them would hide exactly what the audit could not check. No entry mutes them, `rule: "*"` either.
 */
export const NEVER_EXEMPTED_RULES: readonly string[] = ['account-not-audited', 'account-partially-audited'];
/** Limits that keep a file from taking the run down: its size, its entries, a user glob's length. */
export const EXEMPTIONS_MAX_BYTES = 1024 * 1024;
export const EXEMPTIONS_MAX_ENTRIES = 10_000;
export const EXEMPTION_MAX_GLOB_LENGTH = 256;

export const EXEMPTION_FIELDS = ['account', 'user', 'rule', 'reason', 'expires'] as const;
type ExemptionField = (typeof EXEMPTION_FIELDS)[number];

export interface Exemption {
  /** A 12-digit account id, or `*`. */
  account: string;
  /** An IAM user name or a glob (`break-glass-*`). */
  user: string;
  /** A rule id of the catalogue, or `*`. */
  rule: string;
  reason: string;
  /** The last day the entry is in force, `YYYY-MM-DD` (through 23:59:59 UTC of that day). */
  expires: string;
  /** Where the entry was declared: `exemptions.yaml line 4`, or `exemptions[2]` for inline entries. */
  declaredAt: string;
}

export interface ExemptionList {
  /** The file (a path or an s3:// URI), or the config the entries came from. */
  source: string;
  entries: Exemption[];
}

/** A malformed exemptions file or entry; the message names the source, the line and the field. */
export class ExemptionsError extends Error {
  override readonly name = 'ExemptionsError';
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ACCOUNT_ID = /^\d{12}$/;
/** How a rule id is spelled (`access-key-very-old`), when no list of the rules is given. */
const RULE_ID_SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A 12-digit AWS account id. */
export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/**
 * Which rules an entry may name besides `*`: the auditor's catalogue, or (without a list, as in the
 * pack, which knows only its own rules) anything spelled like a rule id.
 */
export type KnownRules = readonly string[] | undefined;

/** A value as read from the file, with where it was read and, for YAML scalars, its text. */
interface LocatedValue {
  value: unknown;
  where: string;
  /** The scalar as written (`015197090613`), when it came from YAML. */
  text?: string;
}

type LocatedEntry = { where: string; fields: Map<string, LocatedValue> };

function describeText(value: LocatedValue): string {
  return value.text ?? JSON.stringify(value.value);
}

function requireText(value: LocatedValue, field: ExemptionField, source: string): string {
  if (typeof value.value === 'string') return value.value.trim();
  const hint = typeof value.value === 'number' || typeof value.value === 'boolean' ? `; write it in quotes ("${describeText(value)}")` : '';
  throw new ExemptionsError(`${source} ${value.where}: ${field} should be text, got ${describeText(value)}${hint}`);
}

function checkAccount(value: LocatedValue, source: string): string {
  if (typeof value.value === 'number' || typeof value.value === 'bigint') {
    // YAML reads 015197090613 unquoted as the number 15197090613: the leading zero is lost.
    throw new ExemptionsError(`${source} ${value.where}: account ${describeText(value)} must be quoted ("${describeText(value)}"); unquoted, YAML reads it as a number and drops leading zeros`);
  }
  const account = requireText(value, 'account', source);
  if (account !== ANY && !isAccountId(account)) {
    throw new ExemptionsError(`${source} ${value.where}: account should be a 12-digit AWS account id in quotes, or "*", got ${JSON.stringify(account)}`);
  }
  return account;
}

function checkRule(value: LocatedValue, source: string, rules: KnownRules): string {
  const rule = requireText(value, 'rule', source);
  if (NEVER_EXEMPTED_RULES.includes(rule)) throw new ExemptionsError(`${source} ${value.where}: rule ${rule} cannot be exempted: it says an account was not audited (completely), which no exemption may hide`);
  if (rule === EXEMPTION_EXPIRED_RULE) throw new ExemptionsError(`${source} ${value.where}: rule ${EXEMPTION_EXPIRED_RULE} cannot be exempted: renew or remove the expired entry instead`);
  if (rule !== ANY && rules !== undefined && !rules.includes(rule)) {
    throw new ExemptionsError(`${source} ${value.where}: rule ${JSON.stringify(rule)} is not a rule of the audit; use "*" or one of ${rules.join(', ')}`);
  }
  if (rule !== ANY && !RULE_ID_SHAPE.test(rule)) {
    throw new ExemptionsError(`${source} ${value.where}: rule ${JSON.stringify(rule)} is not a rule id (such as access-key-very-old) or "*"`);
  }
  return rule;
}

/** `YYYY-MM-DD` of a real calendar day (no 2027-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function checkExpires(value: LocatedValue, source: string): string {
  // A YAML 1.1 parser would have made a date of it; keep the text as written.
  const text = value.value instanceof Date ? value.value.toISOString().slice(0, 10) : requireText(value, 'expires', source);
  if (!isCalendarDate(text)) throw new ExemptionsError(`${source} ${value.where}: expires should be a calendar date YYYY-MM-DD (the last day the exemption holds), got ${describeText(value)}`);
  return text;
}

function checkEntry(entry: LocatedEntry, source: string, rules: KnownRules): Exemption {
  const unknown = [...entry.fields.keys()].filter((key) => !(EXEMPTION_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    const first = entry.fields.get(unknown[0]);
    throw new ExemptionsError(`${source} ${first?.where ?? entry.where}: unknown field ${JSON.stringify(unknown[0])}; an exemption has exactly ${EXEMPTION_FIELDS.join(', ')}`);
  }
  const field = (name: ExemptionField): LocatedValue => {
    const value = entry.fields.get(name);
    if (value === undefined || value.value === null || value.value === undefined) {
      const why = name === 'expires' ? ' (every exemption ends: give the last day it holds, YYYY-MM-DD)' : '';
      throw new ExemptionsError(`${source} ${value?.where ?? entry.where}: the exemption has no ${name}${why}`);
    }
    return value;
  };
  const account = checkAccount(field('account'), source);
  const userValue = field('user');
  const user = requireText(userValue, 'user', source);
  if (user === '') throw new ExemptionsError(`${source} ${userValue.where}: user is empty; give an IAM user name, a glob such as break-glass-*, or "*"`);
  if (user.length > EXEMPTION_MAX_GLOB_LENGTH) throw new ExemptionsError(`${source} ${userValue.where}: user is ${user.length} characters long, more than ${EXEMPTION_MAX_GLOB_LENGTH} (IAM user names have at most 64)`);
  const ruleValue = field('rule');
  const rule = checkRule(ruleValue, source, rules);
  if (account === ANY && user === ANY && rule === ANY) {
    throw new ExemptionsError(`${source} ${entry.where}: account, user and rule are all "*": such an entry would mute every finding of the organization; name at least an account, a user or a rule`);
  }
  const reasonValue = field('reason');
  const reason = requireText(reasonValue, 'reason', source);
  if (reason === '') throw new ExemptionsError(`${source} ${reasonValue.where}: reason is empty; say why the finding is accepted, for whoever reads the report`);
  const expires = checkExpires(field('expires'), source);
  return { account, user, rule, reason, expires, declaredAt: entry.where };
}

// ---- the YAML file --------------------------------------------------------------------------------

function lineOf(lines: LineCounter, node: { range?: [number, number, number] | null } | null | undefined): string {
  const offset = node?.range?.[0];
  return offset === undefined ? 'line ?' : `line ${lines.linePos(offset).line}`;
}

function yamlEntry(node: unknown, lines: LineCounter, source: string): LocatedEntry {
  const where = lineOf(lines, node as YamlNode);
  if (!isMap(node)) throw new ExemptionsError(`${source} ${where}: an exemption should be a mapping of ${EXEMPTION_FIELDS.join(', ')}`);
  const fields = new Map<string, LocatedValue>();
  for (const pair of node.items as Pair<unknown, unknown>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const value = pair.value;
    const at = lineOf(lines, (value ?? pair.key) as YamlNode);
    if (isScalar(value)) fields.set(key, { value: value.value, where: at, text: typeof value.source === 'string' ? value.source : undefined });
    else fields.set(key, { value: value === null ? null : (value as YamlNode).toJSON(), where: at });
  }
  return { where, fields };
}

function checkEntryCount(count: number, source: string): void {
  if (count > EXEMPTIONS_MAX_ENTRIES) throw new ExemptionsError(`${source}: ${count} exemptions, more than the ${EXEMPTIONS_MAX_ENTRIES} allowed`);
}

/** Parses the exemptions file; a malformed one throws an ExemptionsError naming `source`, the line and the field. */
export function parseExemptionsYaml(text: string, source: string, rules?: KnownRules): ExemptionList {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > EXEMPTIONS_MAX_BYTES) throw new ExemptionsError(`${source}: the file is ${bytes} bytes, more than the ${EXEMPTIONS_MAX_BYTES} (1 MB) allowed`);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    const [error] = document.errors;
    const line = lines.linePos(error.pos[0]).line;
    const hint = error.code === 'BAD_ALIAS' ? ' (a bare * starts a YAML alias: write "*" in quotes)' : '';
    throw new ExemptionsError(`${source} line ${line}: not valid YAML: ${error.message.split('\n')[0]}${hint}`);
  }
  const root = document.contents;
  const shape = `the file should hold "exemptions:", a list of entries with ${EXEMPTION_FIELDS.join(', ')}`;
  if (root === null) return { source, entries: [] };
  if (!isMap(root)) throw new ExemptionsError(`${source} ${lineOf(lines, root)}: ${shape}`);
  const list = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'exemptions');
  const other = root.items.find((pair) => !(isScalar(pair.key) && pair.key.value === 'exemptions'));
  if (other !== undefined) throw new ExemptionsError(`${source} ${lineOf(lines, other.key as YamlNode)}: unknown key ${JSON.stringify(isScalar(other.key) ? other.key.value : other.key)}; ${shape}`);
  if (list === undefined) throw new ExemptionsError(`${source}: ${shape}`);
  if (list.value === null || (isScalar(list.value) && list.value.value === null)) return { source, entries: [] };
  if (!isSeq(list.value)) throw new ExemptionsError(`${source} ${lineOf(lines, list.value as YamlNode)}: "exemptions" should be a list ("- account: ..." entries)`);
  checkEntryCount(list.value.items.length, source);
  return { source, entries: list.value.items.map((item) => checkEntry(yamlEntry(item, lines, source), source, rules)) };
}

// ---- entries given as JSON (the policy pack's config) -------------------------------------------

/** Checks entries given as plain values (the pack's `exemptions` config): the same rules as the file. */
export function parseExemptionEntries(value: unknown, source: string, rules?: KnownRules): ExemptionList {
  if (!Array.isArray(value)) throw new ExemptionsError(`${source}: "exemptions" should be a list of entries with ${EXEMPTION_FIELDS.join(', ')}`);
  checkEntryCount(value.length, source);
  const entries = value.map((item: unknown, index) => {
    const where = `exemptions[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ExemptionsError(`${source} ${where}: an exemption should be an object with ${EXEMPTION_FIELDS.join(', ')}`);
    const fields = new Map(Object.entries(item).map(([key, field]) => [key, { value: field, where: `${where}.${key}` }]));
    return checkEntry({ where, fields }, source, rules);
  });
  return { source, entries };
}

// ---- matching -----------------------------------------------------------------------------------

/** The first instant after the UTC day `isoDay` (`2024-06-30`): a date given as a day holds through its end. */
export function endOfUtcDay(isoDay: string): number {
  return Date.parse(`${isoDay}T00:00:00Z`) + DAY_MS;
}

/** The first instant (ms since the epoch) an entry no longer holds: the end of its `expires` day, UTC. */
export function exemptionEndsAt(entry: Pick<Exemption, 'expires'>): number {
  return endOfUtcDay(entry.expires);
}

/** True while the entry holds at `reference` (ms since the epoch): through the end of its `expires` day, UTC. */
export function isInForce(entry: Pick<Exemption, 'expires'>, reference: number): boolean {
  return reference < exemptionEndsAt(entry);
}

/**
 * What an entry is matched against. `user` is the IAM user name (of a key's owner too), `root` for
 * the root user, or null for a finding about the account itself, which only `user: "*"` matches.
 */
export interface ExemptionSubject {
  accountId: string;
  user: string | null;
  ruleId: string;
}

const GLOB_OPTIONS = { dot: true, nocomment: true, nonegate: true, noext: true } as const;

/** An entry ready to be matched many times (its glob compiled once). */
export class ExemptionMatcher {
  private readonly user: Minimatch;

  constructor(readonly entry: Exemption) {
    this.user = new Minimatch(entry.user, GLOB_OPTIONS);
  }

  matches(subject: ExemptionSubject): boolean {
    const { entry } = this;
    if (NEVER_EXEMPTED_RULES.includes(subject.ruleId)) return false;
    if (entry.account !== ANY && entry.account !== subject.accountId) return false;
    if (entry.rule !== ANY && entry.rule !== subject.ruleId) return false;
    if (subject.user === null) return entry.user === ANY;
    return this.user.match(subject.user);
  }
}

/** How an entry is named in messages and reports. */
export function describeExemption(entry: Exemption): string {
  return `account ${entry.account}, user ${entry.user}, rule ${entry.rule}`;
}

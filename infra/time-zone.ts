// Time zone names as EventBridge Scheduler takes them: IANA names spelled exactly. Node's Intl accepts
// any capitalisation ('europe/berlin'), which Scheduler refuses at deploy time, so the spelling is
// checked against the canonical names Intl lists. Intl's list keeps a few older spellings
// (Asia/Calcutta), so another IANA name Intl knows (Asia/Kolkata, US/Eastern) passes when each of its
// parts is capitalised as IANA names are.

const CANONICAL_TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const BY_LOWER_CASE: ReadonlyMap<string, string> = new Map([...CANONICAL_TIME_ZONES].map((zone) => [zone.toLowerCase(), zone]));

/** What is wrong with a time zone name, or undefined when it is a canonical IANA name. */
export function timeZoneProblem(name: string): string | undefined {
  if (CANONICAL_TIME_ZONES.has(name)) return undefined;
  const respelled = BY_LOWER_CASE.get(name.toLowerCase());
  if (respelled !== undefined) return `${JSON.stringify(name)} is not spelled as the IANA name; did you mean ${respelled}?`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `${JSON.stringify(name)} is not an IANA time zone such as UTC or Europe/Berlin`;
  }
  const capitalised = name.split('/').every((part) => /^[A-Z]/.test(part));
  return capitalised ? undefined : `${JSON.stringify(name)} is not spelled as the IANA name; did you mean ${resolved}?`;
}

// One line per account on stderr as each finishes, so a long run shows it is moving and a failing
// account is visible at once, not only in the coverage report at the end.
import type { AuditHooks } from '../run/run-audit';
import type { AccountAudit } from '../model';
import { coverageMessages, ERROR_SEPARATOR } from '../reports/coverage-report';

// Account names and AWS error messages go to a terminal: control characters (escape sequences,
// carriage returns that overwrite the line) are replaced so they cannot disguise the output, and so
// are the Unicode controls that reorder or break text on display (bidirectional embeddings,
// overrides and isolates, the directional marks, line and paragraph separators), with which a name
// can make a line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function describeAccountOutcome(audit: AccountAudit): string {
  const keys = audit.users.reduce((total, user) => total + user.accessKeys.length, 0);
  const counts = `${plural(audit.users.length, 'user')}, ${plural(keys, 'key')}`;
  const reasons = coverageMessages(audit).join(ERROR_SEPARATOR);
  if (audit.coverage.skipped !== null) return reasons;
  switch (audit.coverage.audited) {
    case 'yes':
      return `audited (${counts})`;
    case 'partial':
      return `partial (${counts}): ${reasons}`;
    default:
      return `not audited: ${reasons}`;
  }
}

/**
 * Hooks for runAudit that write `[<n>/<total>] <id> <name>: <outcome>` for every account as it
 * finishes (`[<n>]` alone if the total is not known).
 */
export function progressHooks(write: (text: string) => void): AuditHooks {
  let finished = 0;
  let total: number | null = null;
  return {
    onAccountsListed(accounts) {
      total = accounts.length;
    },
    onAccountDone(audit) {
      finished += 1;
      const position = total === null ? `${finished}` : `${finished}/${total}`;
      write(terminalSafe(`[${position}] ${audit.account.id} ${audit.account.name}: ${describeAccountOutcome(audit)}`) + '\n');
    },
  };
}

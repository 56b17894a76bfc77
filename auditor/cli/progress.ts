// What the command shows while accounts are audited. On a terminal: one live line (accounts done
// of total, audited/partial/failed so far, elapsed and ETA) drawn by cli-progress, with a line
// above it for each account that failed or was audited in part, so a problem is seen at once.
// Off a terminal (CI, Fargate, pipes): one plain line per account as it finishes, since logs need
// them. Accounts left out by --accounts/--exclude-accounts are summed in one line, never listed.
import { Format, MultiBar, type GenericFormatter, type Options, type Params, type SingleBar } from 'cli-progress';
import type { AuditHooks } from '../run/run-audit';
import { skipDecision, type AccountFilters } from '../run/audit-options';
import type { AccountAudit, OrgAccount } from '../model';
import { coverageClass, isAuditIncomplete, type CoverageClass } from '../analysis/facts';
import { coverageMessages, ERROR_SEPARATOR } from '../reports/coverage-report';
import { terminalSafe } from '../values/terminal-text';
import type { CommandOutput } from './command-output';
import { plural } from '../values/plural';


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

/** `9,999 of 10,000 accounts skipped: not in --accounts`: the accounts the filters leave out, in one line. */
export function describeFilteredAccounts(accounts: readonly OrgAccount[], filters: AccountFilters): string | null {
  const reasons = new Map<string, number>();
  for (const account of accounts) {
    const decision = skipDecision(account, filters);
    if (decision?.skipped !== 'filter') continue;
    const { reason } = decision;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const skipped = [...reasons.values()].reduce((total, count) => total + count, 0);
  if (skipped === 0) return null;
  const why = [...reasons].map(([reason, count]) => (reasons.size === 1 ? reason : `${count.toLocaleString('en-US')} ${reason}`)).join(', ');
  const listed = accounts.length;
  return `${skipped.toLocaleString('en-US')} of ${listed.toLocaleString('en-US')} ${listed === 1 ? 'account' : 'accounts'} skipped: ${why}`;
}

export interface RunProgress extends AuditHooks {
  /** Ends the live line (if any) once the run is over. */
  finish(): void;
}

type Tally = Record<CoverageClass, number>;

// cli-progress turns the terminal's automatic wrapping off (DECAWM, `ESC [?7l`) while the live line
// is on screen, so that the line never takes a second row however narrow the terminal. A line
// printed above it would then be cut at the terminal's width, the reason of a failure with it: each
// such line is written with wrapping on, in full over as many rows as it needs, and wrapping is
// turned off again before the live line is drawn below it.
export const AUTOWRAP_ON = '\u001b[?7h';
export const AUTOWRAP_OFF = '\u001b[?7l';

const LIVE_FORMAT = '{bar} {value}/{total} accounts | {tally} | {duration_formatted} elapsed, ETA {eta_formatted}';
const LIVE_FORMAT_BEFORE_ESTIMATE = '{bar} {value}/{total} accounts | {tally} | {duration_formatted} elapsed';

// No estimate before the first account is done: cli-progress would print "NULL" there.
const liveLine: GenericFormatter = (options: Options, params: Params, payload: Record<string, unknown>) =>
  Format.Formatter({ ...options, format: params.value === 0 ? LIVE_FORMAT_BEFORE_ESTIMATE : LIVE_FORMAT }, params, payload);

/** Progress for runAudit, live on a terminal, line by line elsewhere, nothing with `--quiet`. */
export function runProgress(output: CommandOutput, filters: AccountFilters): RunProgress {
  const { colors } = output;
  const tally: Tally = { audited: 0, partial: 0, notAudited: 0, skipped: 0 };
  let finished = 0;
  let total: number | null = null;
  let live: { bars: MultiBar; bar: SingleBar } | null = null;

  const tallyText = (): string =>
    [colors.green(`${tally.audited} audited`), colors.yellow(`${tally.partial} partial`), colors.red(`${tally.notAudited} failed`), ...(tally.skipped > 0 ? [`${tally.skipped} skipped`] : [])].join(', ');

  const accountLine = (audit: AccountAudit): string => {
    const position = total === null ? `${finished}` : `${finished}/${total}`;
    const outcome = terminalSafe(describeAccountOutcome(audit));
    const colour: Record<CoverageClass, (text: string) => string> = { skipped: colors.dim, audited: (text) => text, partial: colors.yellow, notAudited: colors.red };
    const coloured = colour[coverageClass(audit)](outcome);
    return `[${position}] ${terminalSafe(`${audit.account.id} ${audit.account.name}`)}: ${coloured}\n`;
  };

  return {
    onAccountsListed(accounts) {
      const filtered = describeFilteredAccounts(accounts, filters);
      if (filtered !== null) output.info(`${filtered}\n`);
      total = accounts.filter((account) => skipDecision(account, filters)?.skipped !== 'filter').length;
      if (output.interactive) {
        const bars = new MultiBar({
          stream: output.stderr as NodeJS.WritableStream,
          format: liveLine,
          barsize: 20,
          hideCursor: true,
          // The command stops gracefully on SIGINT/SIGTERM itself; the bar must not take the signals.
          gracefulExit: false,
          clearOnComplete: true,
          autopadding: true,
        });
        live = { bars, bar: bars.create(total, 0, { tally: tallyText() }) };
      }
    },
    onAccountDone(audit) {
      if (audit.coverage.skipped === 'filter') return;
      finished += 1;
      tally[coverageClass(audit)] += 1;
      if (live === null) {
        output.info(accountLine(audit));
        return;
      }
      // Only what needs attention is kept above the live line; audited accounts are in its count.
      if (isAuditIncomplete(audit)) live.bars.log(`${AUTOWRAP_ON}${accountLine(audit)}${AUTOWRAP_OFF}`);
      live.bar.update(finished, { tally: tallyText() });
    },
    finish() {
      if (live === null) return;
      // Draws once more before the line is cleared: the lines logged since the last redraw (a
      // failure in the last tenth of a second) are written then, not dropped by stop().
      live.bars.update();
      live.bars.stop();
      output.info(`${finished} of ${total ?? finished} accounts done: ${tallyText()}\n`);
      live = null;
    },
  };
}

// How far ahead an exemption may end. An entry that holds until 9999-12-31 is not an accepted risk
// with an end but a silenced one: refused before the audit starts, like any other malformed entry.
import { ExemptionsError, type ExemptionList } from './exemptions';
import { DAY_MS } from './facts';

// The limit's default and range are in values/run-limits.ts (the flag's help reads them without loading the exemptions format).

/** Whole days from the UTC day of `reference` to the UTC day `isoDay` (0 when it is the run's day). */
function daysAfter(reference: Date, isoDay: string): number {
  const runDay = Date.UTC(reference.getUTCFullYear(), reference.getUTCMonth(), reference.getUTCDate());
  return Math.round((Date.parse(`${isoDay}T00:00:00Z`) - runDay) / DAY_MS);
}

/**
 * Throws an ExemptionsError naming the file, the line and `flag` for the first entry whose last day
 * is more than `maxDays` days after the run's day (`reference`, UTC).
 */
export function checkExemptionHorizon(list: ExemptionList, reference: Date, maxDays: number, flag: string): void {
  for (const entry of list.entries) {
    const days = daysAfter(reference, entry.expires);
    if (days <= maxDays) continue;
    const runDay = reference.toISOString().slice(0, 10);
    throw new ExemptionsError(
      `${list.source} ${entry.declaredAt}: expires ${entry.expires} is ${days} days after the run (${runDay}), more than the ${maxDays} allowed (${flag}); ` +
        'give the last day the risk is really accepted, and renew the entry then',
    );
  }
}

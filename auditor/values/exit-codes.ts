// The command's exit codes, shared by the audit, a shard and `merge`. Their meanings are written
// here once; the command's help is built from EXIT_CODE_SUMMARY.
/** Every selected active account audited completely. */
export const EXIT_COMPLETE = 0;
/** Usage or set-up errors, reports that could not be written, a notification that could not be published, findings Security Hub did not take. */
export const EXIT_USAGE_OR_SETUP = 1;
/** Some accounts were partial or not audited (the reports say which). */
export const EXIT_INCOMPLETE = 2;
/** A finding at or above `--fail-on` (before 2). */
export const EXIT_FINDINGS = 3;

/** The codes in the order a reader checks them, each with its meaning in a few words. */
const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [EXIT_COMPLETE, 'all audited'],
  [EXIT_INCOMPLETE, 'some accounts not (fully) audited'],
  [EXIT_FINDINGS, 'a finding at or above --fail-on'],
  [EXIT_USAGE_OR_SETUP, 'usage or set-up error'],
];

/** `0 all audited, 2 some accounts not (fully) audited, ...`, for the command's help. */
export const EXIT_CODE_SUMMARY = EXIT_CODE_MEANINGS.map(([code, meaning]) => `${code} ${meaning}`).join(', ');

/** `some accounts not (fully) audited` for 2; null for a code the command does not use. */
export function exitCodeMeaning(code: number): string | null {
  return EXIT_CODE_MEANINGS.find(([known]) => known === code)?.[1] ?? null;
}

// The command's exit codes, shared by the audit, a shard and `merge`.
/** Every selected active account audited completely. */
export const EXIT_COMPLETE = 0;
/** Usage or set-up errors, reports that could not be written, a notification that could not be published, findings Security Hub did not take. */
export const EXIT_USAGE_OR_SETUP = 1;
/** Some accounts were partial or not audited (the reports say which). */
export const EXIT_INCOMPLETE = 2;
/** A finding at or above `--fail-on` (before 2). */
export const EXIT_FINDINGS = 3;

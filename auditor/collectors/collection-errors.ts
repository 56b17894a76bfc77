// What went wrong while collecting one account, as the coverage report shows it. A failure that
// repeats for many users (ListMFADevices denied for each of them) is one line naming them, not one
// line per user, so the coverage report stays readable for accounts with thousands of users.
// Each line is an `incomplete` reason, or `aborted` when the failure is only the account's signal
// cutting the call (its deadline or the run's stop is then the reason).

import { awsErrorCodes, causedByAbort, describeError } from '../aws/aws-error';
import type { CoverageReason } from '../model';

const NAMED_SUBJECTS = 10;

interface RepeatedFailure {
  subjects: string[];
  firstError: unknown;
}

/** A collector's problem line, `aborted` when any of its causes is the abort. */
export function collectionProblem(message: string, ...causes: unknown[]): CoverageReason {
  return { kind: causes.some(causedByAbort) ? 'aborted' : 'incomplete', detail: message };
}

export class CollectionErrors {
  private readonly entries: (CoverageReason | { key: string })[] = [];
  private readonly repeated = new Map<string, RepeatedFailure & { action: string; subjectKind: string; consequence: string }>();

  /** An account-wide problem, as one line; `causes` are the errors it reports. */
  add(message: string, ...causes: unknown[]): void {
    this.entries.push(collectionProblem(message, ...causes));
  }

  /** `action` failed for one user or key; the same failure for other subjects joins the same line. */
  addFor(action: string, subjectKind: 'user' | 'key', subject: string, error: unknown, consequence: string): void {
    const code = awsErrorCodes(error)[0] ?? 'Error';
    const key = `${action}|${subjectKind}|${code}|${consequence}`;
    const existing = this.repeated.get(key);
    if (existing) {
      existing.subjects.push(subject);
      return;
    }
    this.repeated.set(key, { action, subjectKind, consequence, subjects: [subject], firstError: error });
    this.entries.push({ key });
  }

  list(): CoverageReason[] {
    return this.entries.map((entry) => {
      if (!('key' in entry)) return entry;
      const failure = this.repeated.get(entry.key);
      if (!failure) return collectionProblem(entry.key);
      const { action, subjectKind, subjects, firstError, consequence } = failure;
      const reason = describeError(firstError);
      if (subjects.length === 1) return collectionProblem(`${action} failed for ${subjectKind} ${subjects[0]} (${reason}): ${consequence}`, firstError);
      // Users are read concurrently: sorted, the line does not change from run to run.
      const named = [...subjects].sort().slice(0, NAMED_SUBJECTS).join(', ');
      const more = subjects.length > NAMED_SUBJECTS ? ` and ${subjects.length - NAMED_SUBJECTS} more` : '';
      return collectionProblem(`${action} failed for ${subjects.length} ${subjectKind}s: ${named}${more} (${reason}): ${consequence}`, firstError);
    });
  }
}

// Coverage reasons are data (a kind and a detail) with their text written in one place; the JSON
// report holds the text, and a run read back from one keeps that text as `recorded` reasons.
import assert from 'node:assert/strict';
import { parsePreviousRun } from '../../auditor/analysis/comparison';
import { coverageReasonText } from '../../auditor/coverage-reasons';
import type { CoverageReason } from '../../auditor/model';
import { coverageCsv } from '../../auditor/reports/coverage-report';
import { jsonReportChunks } from '../../auditor/reports/json-report';
import { causedByAbort } from '../../auditor/aws/aws-error';
import { collectionProblem, CollectionErrors } from '../../auditor/collectors/collection-errors';
import { failureReason, timedOutAccountAudit, unreachableAccountAudit } from '../../auditor/run/audit-account';
import { auditRunFixture } from '../support/audit-run-fixture';
import { reportText } from '../support/report-text';

function abortError(): Error {
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  return error;
}

function denied(): Error {
  const error = new Error('User: x is not authorized');
  error.name = 'AccessDenied';
  return error;
}

describe('coverage reasons', () => {
  it('are written as text in one place, each kind as the reports show it', () => {
    const texts: [CoverageReason, string][] = [
      [{ kind: 'skipped', detail: 'not in --accounts' }, 'skipped: not in --accounts'],
      [{ kind: 'timed-out', detail: '600 s in ListUsers' }, 'timed out after 600 s in ListUsers'],
      [{ kind: 'stopped', detail: '' }, 'run stopped'],
      [{ kind: 'unreachable', detail: 'AssumeRole failed: AccessDenied' }, 'AssumeRole failed: AccessDenied'],
      [{ kind: 'failed', detail: 'CloudTrail LookupEvents failed: AccessDenied' }, 'CloudTrail LookupEvents failed: AccessDenied'],
      [{ kind: 'incomplete', detail: 'ListMFADevices failed for user a' }, 'ListMFADevices failed for user a'],
      [{ kind: 'aborted', detail: 'ListMFADevices failed for user a (AbortError)' }, 'ListMFADevices failed for user a (AbortError)'],
      [{ kind: 'recorded', detail: 'as a report wrote it' }, 'as a report wrote it'],
    ];
    for (const [reason, text] of texts) assert.equal(coverageReasonText(reason), text, reason.kind);
  });

  it('tell a failure the abort caused from any other, by the error and never by its text', () => {
    assert.equal(causedByAbort(abortError()), true);
    assert.equal(causedByAbort(new Error('no IAM data could be read', { cause: abortError() })), true, 'through the cause');
    const mentionsAbort = denied();
    mentionsAbort.message = 'AbortError in the message only';
    assert.equal(causedByAbort(mentionsAbort), false);
    assert.deepEqual(failureReason('IAM collection failed', abortError()).kind, 'aborted');
    assert.deepEqual(failureReason('IAM collection failed', denied()), { kind: 'failed', detail: 'IAM collection failed: AccessDenied: User: x is not authorized' });
    assert.equal(collectionProblem('GetAccountPasswordPolicy failed', denied(), abortError()).kind, 'aborted', 'any cause');
    const errors = new CollectionErrors();
    errors.addFor('ListMFADevices', 'user', 'alice', abortError(), 'MFA unknown');
    errors.addFor('ListMFADevices', 'user', 'bob', denied(), 'MFA unknown');
    errors.add('ListVirtualMFADevices failed', denied());
    assert.deepEqual(errors.list().map((reason) => reason.kind), ['aborted', 'incomplete', 'incomplete']);
  });

  it('leave out of a timed-out account only the failures its abort caused', () => {
    const collected = unreachableAccountAudit({ id: '222222222222', name: 'w', state: 'ACTIVE', isManagementAccount: false }, { kind: 'failed', detail: 'x' });
    collected.coverage.errors = [{ kind: 'aborted', detail: 'ListUsers failed (AbortError)' }, { kind: 'incomplete', detail: 'ListMFADevices failed for user a (AccessDenied)' }];
    const timedOut = timedOutAccountAudit(collected.account, { kind: 'timed-out', detail: '1 s in ListUsers' }, collected);
    assert.deepEqual(timedOut.coverage.errors, [{ kind: 'timed-out', detail: '1 s in ListUsers' }, { kind: 'incomplete', detail: 'ListMFADevices failed for user a (AccessDenied)' }]);
  });

  it('reach the JSON report as their text, and come back from it as that text, recorded', () => {
    const run = auditRunFixture();
    const json = reportText(jsonReportChunks(run));
    const written = (JSON.parse(json) as { accounts: { coverage: { errors: unknown[] } }[] }).accounts.map((account) => account.coverage.errors);
    assert.deepEqual(written, run.accounts.map((account) => account.coverage.errors.map(coverageReasonText)));
    const read = parsePreviousRun(json, 'iam_audit.json');
    for (const [index, account] of read.accounts.entries()) {
      assert.deepEqual(account.coverage.errors, run.accounts[index].coverage.errors.map((reason) => ({ kind: 'recorded', detail: coverageReasonText(reason) })));
    }
    assert.equal(coverageCsv(read), coverageCsv(run), 'a merged or previous run shows the same coverage');
  });
});

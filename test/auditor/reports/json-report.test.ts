import assert from 'node:assert/strict';
import { SCHEMA_VERSION } from '../../../auditor/model';
import { buildReportFiles } from '../../../auditor/reports';
import { CSV_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../../../auditor/reports/report-file';
import { jsonReportChunks, type JsonReport } from '../../../auditor/reports/json-report';
import { reportText } from '../../support/report-text';
import { auditRunFixture, RUN_TIMESTAMP } from '../../support/audit-run-fixture';
import { writtenCoverage } from '../../../auditor/coverage-reasons';

describe('JSON report and the report set', () => {
  it('round-trips the whole run with its schemaVersion, plus a summary', () => {
    const run = auditRunFixture();
    const { summary, ...roundTripped } = JSON.parse(reportText(jsonReportChunks(run))) as JsonReport;
    // Every field as the model holds it, the coverage reasons as their text.
    assert.deepEqual(roundTripped, { ...run, accounts: run.accounts.map((audit) => ({ ...audit, coverage: writtenCoverage(audit.coverage) })) });
    assert.equal(roundTripped.schemaVersion, SCHEMA_VERSION);
    assert.deepEqual(summary.accounts, { listed: 4, audited: 1, partial: 1, notAudited: 1, skipped: 1 });
    assert.equal(summary.complete, false);
  });

  it('summary counts users, console users without MFA, active keys and keys older than the maximum age (90 days by default)', () => {
    const { summary } = JSON.parse(reportText(jsonReportChunks(auditRunFixture()))) as JsonReport;
    assert.equal(summary.users, 6);
    // alice (virtual) and carol (hardware) have MFA; erin has none; mallory's type is unknown.
    assert.equal(summary.consoleUsers, 4);
    assert.equal(summary.consoleUsersWithoutMfa, 1);
    assert.deepEqual(summary.accessKeys, { total: 4, active: 3, keyMaxAgeDays: 90, activeOlderThanMaxAge: 2, activeNeverUsed: 1 });
    assert.equal(summary.cloudTrailEvents, 2);
  });

  it('builds every report with the run timestamp in its name and its content type', () => {
    const files = buildReportFiles(auditRunFixture());
    assert.deepEqual(
      files.map((file) => [file.fileName, file.contentType]),
      [
        [`iam_audit_report_${RUN_TIMESTAMP}.csv`, CSV_CONTENT_TYPE],
        [`root_audit_report_${RUN_TIMESTAMP}.csv`, CSV_CONTENT_TYPE],
        [`access_${RUN_TIMESTAMP}.csv`, CSV_CONTENT_TYPE],
        [`cloudtrail_events_${RUN_TIMESTAMP}.csv`, CSV_CONTENT_TYPE],
        [`coverage_${RUN_TIMESTAMP}.csv`, CSV_CONTENT_TYPE],
        [`iam_audit_${RUN_TIMESTAMP}.json`, JSON_CONTENT_TYPE],
      ],
    );
  });

  it('refuses a run timestamp that could escape the output directory', () => {
    const run = { ...auditRunFixture(), runTimestamp: '../../etc/x' };
    assert.throws(() => buildReportFiles(run), /cannot be used in a file name/);
  });
});

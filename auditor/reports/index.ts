// Every report of a run. Adding a report is adding one entry to REPORT_BUILDERS; the sinks write
// whatever this returns.
import type { AuditRun } from '../model';
import { cloudTrailEventsCsv } from './cloudtrail-events-report';
import { coverageCsv } from './coverage-report';
import { reportFileName } from './file-names';
import { iamUsersCsv } from './iam-users-report';
import { jsonReport } from './json-report';
import { rootCsv } from './root-report';

export interface ReportFile {
  fileName: string;
  contentType: string;
  body: string;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

interface ReportBuilder {
  /** The file is `<stem>_<runTimestamp>.<extension>`. */
  stem: string;
  extension: 'csv' | 'json' | 'html';
  contentType: string;
  build(run: AuditRun): string;
}

const REPORT_BUILDERS: readonly ReportBuilder[] = [
  { stem: 'iam_audit_report', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: iamUsersCsv },
  { stem: 'root_audit_report', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: rootCsv },
  { stem: 'cloudtrail_events', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: cloudTrailEventsCsv },
  { stem: 'coverage', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: coverageCsv },
  { stem: 'iam_audit', extension: 'json', contentType: JSON_CONTENT_TYPE, build: jsonReport },
];

export function buildReportFiles(run: AuditRun): ReportFile[] {
  return REPORT_BUILDERS.map((builder) => ({
    fileName: reportFileName(builder.stem, run.runTimestamp, builder.extension),
    contentType: builder.contentType,
    body: builder.build(run),
  }));
}

// Every report of a run. Adding a report is adding one entry to REPORT_BUILDERS; the sinks write
// whatever this returns. Reports that need the run's analysis (findings, maturity, comparison)
// are built only when it is given.
import type { AuditRun } from '../model';
import type { RunAnalysis } from '../run-analysis';
import { cloudTrailEventsCsv } from './cloudtrail-events-report';
import { coverageCsv } from './coverage-report';
import { HTML_CONTENT_TYPE, renderDashboard } from './dashboard';
import { findingsCsv } from './findings-csv';
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
  build(run: AuditRun, analysis?: RunAnalysis): string;
  needsAnalysis?: boolean;
}

function requireAnalysis(analysis: RunAnalysis | undefined): RunAnalysis {
  if (analysis === undefined) throw new Error('this report needs the run analysis');
  return analysis;
}

const REPORT_BUILDERS: readonly ReportBuilder[] = [
  { stem: 'iam_audit_report', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: iamUsersCsv },
  { stem: 'root_audit_report', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: rootCsv },
  { stem: 'cloudtrail_events', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: cloudTrailEventsCsv },
  { stem: 'coverage', extension: 'csv', contentType: CSV_CONTENT_TYPE, build: coverageCsv },
  { stem: 'iam_audit', extension: 'json', contentType: JSON_CONTENT_TYPE, build: jsonReport },
  { stem: 'findings', extension: 'csv', contentType: CSV_CONTENT_TYPE, needsAnalysis: true, build: (_run, analysis) => findingsCsv(requireAnalysis(analysis).findings) },
  {
    stem: 'iam_audit',
    extension: 'html',
    contentType: HTML_CONTENT_TYPE,
    needsAnalysis: true,
    build: (run, analysis) => {
      const { findings, maturity, thresholds, comparison, history } = requireAnalysis(analysis);
      return renderDashboard({ run, findings, maturity, thresholds, comparison, history: history.entries });
    },
  },
];

export function buildReportFiles(run: AuditRun, analysis?: RunAnalysis): ReportFile[] {
  return REPORT_BUILDERS.filter((builder) => analysis !== undefined || !builder.needsAnalysis).map((builder) => ({
    fileName: reportFileName(builder.stem, run.runTimestamp, builder.extension),
    contentType: builder.contentType,
    body: builder.build(run, analysis),
  }));
}

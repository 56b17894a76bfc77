// Every report of a run. A new file is an entry in REPORTS (the sinks write whatever this returns);
// a CSV report is its declaration (csv-report.ts: stem, header and kinds, rows, sheet) and gets its
// workbook sheet from it, in this list's order. Reports that need the run's analysis (findings,
// maturity, comparison) are built only when it is given.
import type { Readable } from 'node:stream';
import { CSV_CONTENT_TYPE, JSON_CONTENT_TYPE, reportFileInPieces, type ReportFile } from './report-file';
import type { AuditRun } from '../model';
import type { RunAnalysis } from '../analysis/run-analysis';
import { ACCESS_REPORT } from './access-report';
import { CLOUDTRAIL_EVENTS_REPORT } from './cloudtrail-events-report';
import { COVERAGE_REPORT } from './coverage-report';
import { csvReportChunks, workbookSheetsOf, type CsvReport } from './csv-report';
import { HTML_CONTENT_TYPE, renderDashboardChunks } from './dashboard/dashboard';
import { FINDINGS_REPORT } from './findings-csv';
import { reportFileName, runName } from './file-names';
import { IAM_USERS_REPORT } from './iam-users-report';
import { jsonReportChunks } from './json-report';
import { OCSF_CONTENT_TYPE, ocsfFindingsChunks } from './ocsf-findings';
import { ROOT_REPORT } from './root-report';
import { workbookStream, XLSX_CONTENT_TYPE, type WorkbookSheet } from './workbook';

interface ReportBuilderBase {
  /** The file is `<stem>_<run name>.<extension>` (file-names.ts). */
  stem: string;
  extension: 'json' | 'html' | 'ocsf.json' | 'xlsx';
  contentType: string;
  needsAnalysis?: boolean;
}

type ReportBuilder =
  | (ReportBuilderBase & { chunks(run: AuditRun, analysis?: RunAnalysis): Iterable<string> })
  | (ReportBuilderBase & { stream(run: AuditRun, analysis?: RunAnalysis): Readable });

function requireAnalysis(analysis: RunAnalysis | undefined): RunAnalysis {
  if (analysis === undefined) throw new Error('this report needs the run analysis');
  return analysis;
}

function isCsvReport(report: CsvReport | ReportBuilder): report is CsvReport {
  return 'header' in report;
}

// Every report is built in pieces, as it is read: the CSVs a thousand rows at a time.
const REPORTS: readonly (CsvReport | ReportBuilder)[] = [
  IAM_USERS_REPORT,
  ROOT_REPORT,
  ACCESS_REPORT,
  CLOUDTRAIL_EVENTS_REPORT,
  COVERAGE_REPORT,
  { stem: 'iam_audit', extension: 'json', contentType: JSON_CONTENT_TYPE, chunks: jsonReportChunks },
  FINDINGS_REPORT,
  { stem: 'iam_audit_findings', extension: 'ocsf.json', contentType: OCSF_CONTENT_TYPE, needsAnalysis: true, chunks: (run, analysis) => ocsfFindingsChunks(run, requireAnalysis(analysis).findings) },
  {
    stem: 'iam_audit',
    extension: 'html',
    contentType: HTML_CONTENT_TYPE,
    needsAnalysis: true,
    chunks: (run, analysis) => {
      const { findings, maturity, thresholds, comparison, history, exemptions } = requireAnalysis(analysis);
      return renderDashboardChunks({ run, findings, maturity, thresholds, comparison, history: history.entries, exemptions });
    },
  },
  // Every CSV report that declares a sheet, cells typed: the findings sheet needs the analysis.
  {
    stem: 'iam_audit',
    extension: 'xlsx',
    contentType: XLSX_CONTENT_TYPE,
    needsAnalysis: true,
    stream: (run, analysis) => workbookStream(workbookSheets(run, requireAnalysis(analysis))),
  },
];

/** The CSV reports, in the order their files and sheets come. */
export const CSV_REPORTS: readonly CsvReport[] = REPORTS.filter(isCsvReport);

/** The sheets of a run's workbook: one per CSV report that declares one, in order; rows are built as they are read. */
export function workbookSheets(run: AuditRun, analysis: RunAnalysis): WorkbookSheet[] {
  return workbookSheetsOf(CSV_REPORTS, run, analysis);
}

/**
 * Every report of the run. Nothing is built here: each file is produced when a sink reads its
 * `chunks` (or its `body`, or its `stream`), one file at a time, so the run's reports never all sit in memory.
 */
export function buildReportFiles(run: AuditRun, analysis?: RunAnalysis): ReportFile[] {
  return REPORTS.filter((builder) => analysis !== undefined || builder.needsAnalysis !== true).map((builder): ReportFile => {
    if (isCsvReport(builder)) return reportFileInPieces(reportFileName(builder.stem, runName(run), 'csv'), CSV_CONTENT_TYPE, () => csvReportChunks(builder, run, analysis));
    const fileName = reportFileName(builder.stem, runName(run), builder.extension);
    if ('stream' in builder) return { fileName, contentType: builder.contentType, stream: () => builder.stream(run, analysis) };
    return reportFileInPieces(fileName, builder.contentType, () => builder.chunks(run, analysis));
  });
}

// findings_<ts>.csv: one row per finding, worst first, through the shared formula-safe CSV writer.
// Columns are only ever added at the end: scripts that read the file by position keep working.
import type { Finding } from '../analysis/findings';
import type { ColumnKinds } from './column-kinds';
import { csvChunks } from './csv';
import { defineCsvReport } from './csv-report';
import type { WorkbookRow } from './workbook';

export const FINDINGS_CSV_HEADER = [
  'severity', 'rule_id', 'title', 'account_id', 'account_name', 'resource_type', 'resource', 'evidence', 'remediation', 'cis_v7', 'security_hub', 'smm',
  // The finding's identity across runs, as in the JSON report: a spreadsheet can match two runs on it.
  'key',
  'muted', 'muted_reason', 'muted_expires',
  'cis_v5',
] as const;

export const FINDINGS_COLUMN_KINDS: ColumnKinds<typeof FINDINGS_CSV_HEADER> = {
  title: 'prose',
  account_id: 'id',
  evidence: 'prose',
  remediation: 'prose',
  cis_v7: 'id',
  cis_v5: 'id',
  security_hub: 'id',
  smm: 'prose',
  key: 'prose',
  muted_reason: 'prose',
  muted_expires: 'day',
};

export function findingRow(finding: Finding): string[] {
  return [
    finding.severity,
    finding.ruleId,
    finding.title,
    finding.accountId,
    finding.accountName,
    finding.resourceType,
    finding.resource,
    finding.evidence,
    finding.remediation,
    finding.controls.cisV7.join(' '),
    finding.controls.securityHub.join(' '),
    finding.controls.smm.join('; '),
    finding.key,
    finding.muted === undefined ? 'no' : 'yes',
    finding.muted?.reason ?? '',
    finding.muted?.expires ?? '',
    finding.controls.cisV5.join(' '),
  ];
}

function* findingRows(findings: readonly Finding[]): Generator<string[]> {
  for (const finding of findings) yield findingRow(finding);
}

/** The file in pieces, built as they are written. */
export function findingsCsvChunks(findings: readonly Finding[]): Generator<string> {
  return csvChunks(FINDINGS_CSV_HEADER, findingRows(findings));
}

/** Each finding's row; a muted one is greyed in the workbook. */
function* findingReportRows(findings: readonly Finding[]): Generator<WorkbookRow> {
  for (const finding of findings) yield { cells: findingRow(finding), muted: finding.muted !== undefined };
}

export const FINDINGS_REPORT = defineCsvReport({
  stem: 'findings',
  header: FINDINGS_CSV_HEADER,
  kinds: FINDINGS_COLUMN_KINDS,
  sheet: 'Findings',
  needsAnalysis: true,
  rows: (_run, analysis) => findingReportRows(analysis.findings),
});

// Reading back what the report builders make: their text files, and any stream's bytes.
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { AuditRun } from '../../auditor/model';
import { buildReportFiles } from '../../auditor/reports';
import { isByteStreamReport, type ReportFile, type TextReportFile } from '../../auditor/reports/report-file';

export function textReportFiles(files: readonly ReportFile[]): TextReportFile[] {
  return files.filter((file): file is TextReportFile => !isByteStreamReport(file));
}

/** Without the analysis every report is a text file (the workbook needs the findings). */
export function textReports(run: AuditRun): TextReportFile[] {
  return textReportFiles(buildReportFiles(run));
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts);
}

/** A workbook read back with exceljs's reader (its types want an ArrayBuffer, not a Node Buffer). */
export async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return workbook;
}

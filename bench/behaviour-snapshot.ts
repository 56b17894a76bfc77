// `npx ts-node --transpile-only bench/behaviour-snapshot.ts`: a fingerprint of what the
// auditor does, to compare a tree before and after a change that must not change behaviour.
// Prints one line per fact, sorted:
// - `calls <account> <operation> <n>`: the calls per account and operation of an audit of a bench
//   organization (4 accounts of 40 users, CloudTrail on), made by the real auditor;
// - `file <name> <sha256>`: every report of the audit command run on the demo organization at a
//   fixed time, byte for byte (the workbook apart, and the JSON files' finishedAt, which is the
//   reference time plus the run's duration);
// - `sheet <workbook> <sheet> <rows> <sha256>`: the workbook compared by sheets, each sheet's cells
//   (value, type and number format) as read back by exceljs, since the zip's bytes carry times.
// Run it on both trees and `diff` the outputs.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { main } from '../auditor/cli/audit-command';
import { runAudit } from '../auditor/run/run-audit';
import { demoExemptionsYaml, demoOrganization, DEMO_ROLE_NAME } from '../simulator/demo-organization';
import { simulatedClientFactory } from '../simulator/simulated-aws';
import { benchAccountId, BENCH_NOW, BENCH_ROLE_NAME, buildBenchOrganization, type BenchMix } from './organization';

const RUN_TIME = '2026-06-01T12:00:00Z';
const MIX: BenchMix = { accounts: 4, users: 40, keyFraction: 0.5, consoleFraction: 0.5, virtualMfaFraction: 0.45, hardwareMfaFraction: 0.1, events: 60 };

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function callLines(): Promise<string[]> {
  const org = buildBenchOrganization(MIX, { latencyMs: 0, throttleRate: 0, throttleSeed: 1 });
  await runAudit({ roleName: BENCH_ROLE_NAME, concurrency: 4, cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 }, runTime: BENCH_NOW }, simulatedClientFactory(org));
  const lines: string[] = [];
  for (let index = 0; index < MIX.accounts; index += 1) {
    const accountId = benchAccountId(index);
    for (const [operation, count] of Object.entries(org.callCounts(accountId))) lines.push(`calls ${accountId} ${operation} ${count}`);
  }
  return lines;
}

async function sheetLines(file: string, name: string): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      const cells: unknown[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => cells.push([cell.type, cell.value instanceof Date ? cell.value.toISOString() : cell.value, cell.numFmt ?? null]));
      rows.push(cells);
    });
    return `sheet ${name.replace(/\d{8}T\d{6}Z-000000/, '<ts>')} ${sheet.name} ${sheet.rowCount} ${sha256(JSON.stringify(rows))}`;
  });
}

async function reportLines(outDir: string): Promise<string[]> {
  const now = new Date(RUN_TIME);
  const org = demoOrganization(now);
  const exemptions = path.join(outDir, 'exemptions.yaml');
  await writeFile(exemptions, demoExemptionsYaml(now));
  const reports = path.join(outDir, 'reports');
  const code = await main(['--role', DEMO_ROLE_NAME, '--out-dir', reports, '--exemptions', exemptions, '--run-time', RUN_TIME, '--quiet'], {
    env: {},
    stdout: () => undefined,
    stderr: () => undefined,
    now: () => new Date(RUN_TIME),
    // A fixed run id: the file names and the reports that name them stay the same from run to run.
    runId: () => '000000',
    clientFactory: () => simulatedClientFactory(org),
  });
  const lines = [`exit ${code}`];
  for (const name of (await readdir(reports)).sort()) {
    const file = path.join(reports, name);
    if (name.endsWith('.xlsx')) lines.push(...(await sheetLines(file, name)));
    // A run's finishedAt is its reference time plus how long it took: the one field that is not the same twice.
    else if (name.endsWith('.json')) lines.push(`file ${name} ${sha256((await readFile(file, 'utf8')).replace(/"finishedAt": "[^"]*"/g, '"finishedAt": "<time>"'))}`);
    else lines.push(`file ${name} ${sha256(await readFile(file))}`);
  }
  return lines;
}

// One fixed place: the findings name the exemptions file by its path, so both trees must use the same.
const OUT_DIR = path.join(os.tmpdir(), 'iam-audit-behaviour-snapshot');

async function snapshot(): Promise<void> {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  try {
    const lines = [...(await callLines()), ...(await reportLines(OUT_DIR))].sort();
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (process.env.KEEP_SNAPSHOT === undefined) await rm(OUT_DIR, { recursive: true, force: true });
  }
}

snapshot().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

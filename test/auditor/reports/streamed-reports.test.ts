// Reports are written in pieces so that a large organization's reports never sit whole in memory.
// The pieces must make exactly the files a single pass would: the CSV one batch of rows, the JSON
// the pretty-printed whole, the dashboard the page rendered at once.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DEFAULT_THRESHOLDS } from '../../../auditor/analysis/findings';
import type { AuditRun, IamUserRecord } from '../../../auditor/model';
import { buildReportFiles } from '../../../auditor/reports';
import type { ReportFile } from '../../../auditor/reports/report-file';
import { cloudTrailEventsCsvChunks } from '../../../auditor/reports/cloudtrail-events-report';
import { coverageCsv } from '../../../auditor/reports/coverage-report';
import { CSV_ROWS_PER_CHUNK, toCsv } from '../../../auditor/reports/csv';
import { renderDashboard } from '../../../auditor/reports/dashboard/dashboard';
import { findingsCsvChunks } from '../../../auditor/reports/findings-csv';
import { IAM_USERS_HEADER, iamUsersRowStream } from '../../../auditor/reports/iam-users-report';
import { prettyJsonChunks } from '../../../auditor/reports/json-chunks';
import { jsonReportChunks } from '../../../auditor/reports/json-report';
import { ocsfFindingsJson } from '../../../auditor/reports/ocsf-findings';
import { reportText } from '../../support/report-text';
import { rootCsv } from '../../../auditor/reports/root-report';
import { ACCESS_HEADER, accessRows } from '../../../auditor/reports/access-report';
import { analyseRun } from '../../../auditor/analysis/run-analysis';
import { writeReportsToDirectory } from '../../../auditor/publish/sinks/local';
import { s3RunPrefix, uploadReportsToS3 } from '../../../auditor/publish/sinks/s3';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';
import { auditRunFixture, user } from '../../support/audit-run-fixture';
import { loadWorkbook, textReportFiles } from '../../support/report-files';

/** The fixture with one account grown to thousands of users, so every large report spans many pieces. */
function largeRun(): AuditRun {
  const run = auditRunFixture();
  const [first] = run.accounts;
  const many: IamUserRecord[] = Array.from({ length: 2 * CSV_ROWS_PER_CHUNK + 17 }, (_, index) =>
    user(`bulk-${index}`, {
      passwordEnabled: index % 2 === 0,
      passwordLastUsed: index % 2 === 0 ? '2024-01-01T00:00:00.000Z' : null,
      accessKeys: [{ accessKeyId: `AKIABULK${String(index).padStart(12, '0')}`, status: 'Active', createdDate: '2020-01-01T00:00:00.000Z', lastUsedDate: null, lastUsedService: null, lastUsedRegion: null }],
    }),
  );
  first.users = [...first.users, ...many];
  // An account name that carries the dashboard's placeholder text and a script end tag.
  first.account.name = '\u0000findings\u0000 "findings":"\\u0000findings\\u0000" </script><script>alert(1)</script>';
  return run;
}

function expectedFiles(run: AuditRun): Map<string, string> {
  const analysis = analyseRun(run, { ...DEFAULT_THRESHOLDS });
  const { findings, maturity, thresholds, comparison, history } = analysis;
  const ts = run.runTimestamp;
  return new Map([
    [`iam_audit_report_${ts}.csv`, toCsv(IAM_USERS_HEADER, [...iamUsersRowStream(run)])],
    [`root_audit_report_${ts}.csv`, rootCsv(run)],
    [`access_${ts}.csv`, toCsv(ACCESS_HEADER, [...accessRows(run)])],
    [`cloudtrail_events_${ts}.csv`, reportText(cloudTrailEventsCsvChunks(run))],
    [`coverage_${ts}.csv`, coverageCsv(run)],
    [`iam_audit_${ts}.json`, `${JSON.stringify(JSON.parse(reportText(jsonReportChunks(run, analysis))), null, 2)}\n`],
    [`findings_${ts}.csv`, reportText(findingsCsvChunks(findings))],
    [`iam_audit_findings_${ts}.ocsf.json`, ocsfFindingsJson(run, findings)],
    [`iam_audit_${ts}.html`, renderDashboard({ run, findings, maturity, thresholds, comparison, history: history.entries })],
  ]);
}

function filesOf(run: AuditRun): ReportFile[] {
  return buildReportFiles(run, analyseRun(run, { ...DEFAULT_THRESHOLDS }));
}

function workbookName(run: AuditRun): string {
  return `iam_audit_${run.runTimestamp}.xlsx`;
}

/** The workbook's users sheet has the header and one row per row of the users CSV. */
async function assertWholeWorkbook(bytes: Buffer, run: AuditRun): Promise<void> {
  const workbook = await loadWorkbook(bytes);
  const users = workbook.getWorksheet('Users');
  assert.ok(users, 'the users sheet');
  assert.equal(users.rowCount, (parse(toCsv(IAM_USERS_HEADER, [...iamUsersRowStream(run)])) as string[][]).length);
}

describe('reports written in pieces', () => {
  it('make exactly the files a single pass makes, the large ones in many pieces', () => {
    const run = largeRun();
    const expected = expectedFiles(run);
    const files = filesOf(run);
    assert.deepEqual(files.map((file) => file.fileName), [...expected.keys(), workbookName(run)]);
    for (const file of textReportFiles(files)) {
      const pieces = [...(file.chunks?.() ?? [])];
      assert.equal(pieces.join(''), expected.get(file.fileName), file.fileName);
      assert.equal(file.body, expected.get(file.fileName), `${file.fileName} body`);
      if (/^(iam_audit_report|findings)_|\.json$|\.html$/.test(file.fileName)) assert.ok(pieces.length > 2, `${file.fileName} in ${pieces.length} pieces`);
    }
  });

  it('keep the dashboard\'s findings block intact when an account name carries the placeholder', () => {
    const run = largeRun();
    const html = textReportFiles(filesOf(run)).find((file) => file.fileName.endsWith('.html'));
    const text = [...(html?.chunks?.() ?? [])].join('');
    const block = /<script type="application\/json" id="dashboard-data">([\s\S]*?)<\/script>/.exec(text);
    assert.ok(block, 'the data block is there and no account name closed it early');
    const data = JSON.parse(block[1]) as { findings: unknown[]; accounts: { accountName: string }[] };
    assert.equal(data.findings.length, analyseRun(run, { ...DEFAULT_THRESHOLDS }).findings.length);
    assert.ok(data.accounts.some((account) => account.accountName === run.accounts[0].account.name));
  });

  it('write JSON exactly as JSON.stringify with two-space indentation does', () => {
    const values: object[] = [
      {},
      { empty: [], list: [1, 'two', null, { three: [3] }], skipped: undefined, nested: { deep: { deeper: ['x\ny'] } } },
      { list: [undefined, () => 1, { a: undefined }], text: 'quote " and \\ backslash', last: [] },
    ];
    for (const value of values) assert.equal([...prettyJsonChunks(value, ['list', 'empty', 'last'])].join(''), JSON.stringify(value, null, 2));
  });

  it('reach the local directory whole', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'streamed-reports-'));
    try {
      const run = largeRun();
      const expected = expectedFiles(run);
      const outcome = await writeReportsToDirectory(directory, filesOf(run));
      assert.deepEqual(outcome.failed, []);
      for (const [fileName, text] of expected) assert.equal(await readFile(path.join(directory, fileName), 'utf8'), text, fileName);
      await assertWholeWorkbook(await readFile(path.join(directory, workbookName(run))), run);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('reach S3 whole: in parts above the part size, as one PutObject below it', async () => {
    const org = new SimulatedOrganization({ managementAccountId: '111111111111' }).addBucket('audit-bucket');
    const run = largeRun();
    const expected = expectedFiles(run);
    const partBytes = 5 * 1024 * 1024;
    const outcome = await uploadReportsToS3(simulatedClientFactory(org).s3(), { bucket: 'audit-bucket', prefix: '' }, run.runTimestamp, filesOf(run), { partBytes });
    assert.deepEqual(outcome.failed, []);
    const prefix = s3RunPrefix({ bucket: 'audit-bucket', prefix: '' }, run.runTimestamp);
    for (const [fileName, text] of expected) assert.equal(org.s3Object('audit-bucket', `${prefix}${fileName}`)?.body.toString('utf8'), text, fileName);
    const large = [...expected.values()].filter((text) => Buffer.byteLength(text) > partBytes).length;
    assert.ok(large > 0, 'at least one report is larger than a part');
    assert.equal(org.calls('CreateMultipartUpload'), large);
    // The workbook is below a part here: one PutObject more.
    assert.equal(org.calls('PutObject'), expected.size + 1 - large);
    assert.equal(org.openMultipartUploads(), 0);
    const workbook = org.s3Object('audit-bucket', `${prefix}${workbookName(run)}`);
    assert.ok(workbook, 'the workbook is uploaded with the others');
    await assertWholeWorkbook(workbook.body, run);
  });
});

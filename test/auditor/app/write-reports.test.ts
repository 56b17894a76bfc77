// Every report is built once for the local directory and S3 together: S3 is sent the bytes the
// directory holds; only a file the directory could not take is built again for the upload.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeReports } from '../../../auditor/app/publish-run';
import { s3RunPrefix } from '../../../auditor/publish/sinks/s3';
import { reportFileInPieces, type ReportFile } from '../../../auditor/reports/report-file';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';
import { RUN_TIMESTAMP } from '../../support/audit-run-fixture';

const BUCKET = 'reports';
const LOCATION = { bucket: BUCKET, prefix: 'iam' };

/** A report that counts how often it is built. */
function countedReport(fileName: string, text: string): { file: ReportFile; builds: () => number } {
  let builds = 0;
  const file = reportFileInPieces(fileName, 'text/csv; charset=utf-8', function* () {
    builds += 1;
    yield text.slice(0, 3);
    yield text.slice(3);
  });
  return { file, builds: () => builds };
}

describe('writing the reports to every sink', () => {
  let org: SimulatedOrganization;
  let directory: string;
  beforeEach(async () => {
    org = new SimulatedOrganization({ managementAccountId: '111111111111' }).addBucket(BUCKET);
    directory = await mkdtemp(path.join(os.tmpdir(), 'write-reports-'));
  });
  afterEach(async () => {
    org.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('builds each report once and uploads the bytes written to the directory', async () => {
    const reports = [countedReport('a.csv', 'id,name\n1,alice\n'), countedReport('b.csv', 'x'.repeat(100_000))];
    const written = await writeReports(reports.map((report) => report.file), RUN_TIMESTAMP, { outDir: directory, s3: LOCATION }, simulatedClientFactory(org));
    assert.deepEqual(written.outcomes.flatMap((outcome) => outcome.failed), []);
    assert.deepEqual(reports.map((report) => report.builds()), [1, 1]);
    const prefix = s3RunPrefix(LOCATION, RUN_TIMESTAMP);
    for (const name of ['a.csv', 'b.csv']) {
      const local = await readFile(path.join(directory, name));
      assert.deepEqual(org.s3Object(BUCKET, `${prefix}${name}`), { body: local, contentType: 'text/csv; charset=utf-8' });
    }
  });

  it('builds a report for S3 itself when the directory could not take it', async () => {
    // A file where the directory should be: the local write fails, the upload must not.
    const blocked = path.join(directory, 'blocked');
    await writeFile(blocked, 'not a directory');
    const report = countedReport('a.csv', 'id\n1\n');
    const written = await writeReports([report.file], RUN_TIMESTAMP, { outDir: blocked, s3: LOCATION }, simulatedClientFactory(org));
    assert.equal(written.outcomes[0].failed.length, 1);
    assert.deepEqual(written.outcomes[1].failed, []);
    assert.equal(report.builds(), 1, 'built for the upload, the directory having taken nothing');
    assert.equal(org.s3Object(BUCKET, `${s3RunPrefix(LOCATION, RUN_TIMESTAMP)}a.csv`)?.body.toString('utf8'), 'id\n1\n');
  });
});

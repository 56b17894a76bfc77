// The S3 sink through the real S3 client and lib-storage against the simulated S3; faults on the
// wire (an upload never answered, a connection dropped) are played by a real local server.
import assert from 'node:assert/strict';
import { parseS3Uri } from '../../../../auditor/values/parsers';
import { reportFileInPieces, type TextReportFile } from '../../../../auditor/reports/report-file';
import { s3RunPrefix, uploadReportsToS3 } from '../../../../auditor/publish/sinks/s3';
import { StopDeadlinePassed } from '../../../../auditor/run/stop-deadline';
import { SimulatedOrganization, simulatedClientFactory } from '../../../../simulator/simulated-aws';
import { textReports } from '../../../support/report-files';
import { auditRunFixture, RUN_TIMESTAMP } from '../../../support/audit-run-fixture';

const BUCKET = 'audit-bucket';
const LOCATION = { bucket: BUCKET, prefix: 'reports' };
const PREFIX = `reports/2024/01/31/${RUN_TIMESTAMP}/`;
/** lib-storage's smallest part. */
const PART_BYTES = 5 * 1024 * 1024;
const SHORT_TIMEOUTS = { connectionMs: 500, requestMs: 2_000, socketIdleMs: 500 };

/** A report of `megabytes` MB in pieces of 64 KB, each piece telling its place. */
function largeReport(fileName: string, megabytes: number): TextReportFile {
  const pieceCount = megabytes * 16;
  return reportFileInPieces(fileName, 'text/csv; charset=utf-8', function* () {
    for (let index = 0; index < pieceCount; index += 1) yield `${String(index).padStart(8, '0')}${'x'.repeat(64 * 1024 - 9)}\n`;
  });
}

describe('S3 sink', () => {
  let org: SimulatedOrganization;
  beforeEach(() => {
    org = new SimulatedOrganization({ managementAccountId: '111111111111' }).addBucket(BUCKET);
  });
  afterEach(() => org.close());

  it('puts the run under <prefix>/<YYYY>/<MM>/<DD>/<ts>/, with a normalised prefix', () => {
    assert.equal(s3RunPrefix(parseS3Uri('s3://audit-bucket/reports/', 'x'), RUN_TIMESTAMP), `reports/2024/01/31/${RUN_TIMESTAMP}/`);
    assert.equal(s3RunPrefix(parseS3Uri('s3://audit-bucket//a//b', 'x'), RUN_TIMESTAMP), `a/b/2024/01/31/${RUN_TIMESTAMP}/`);
    assert.equal(s3RunPrefix(parseS3Uri('s3://audit-bucket', 'x'), RUN_TIMESTAMP), `2024/01/31/${RUN_TIMESTAMP}/`);
  });

  it('uploads every small report with one PutObject, its key, body and content type', async () => {
    const files = textReports(auditRunFixture());
    const outcome = await uploadReportsToS3(simulatedClientFactory(org).s3(), LOCATION, RUN_TIMESTAMP, files);
    assert.deepEqual(outcome.failed, []);
    assert.equal(org.calls('PutObject'), files.length);
    for (const file of files) assert.deepEqual(org.s3Object(BUCKET, `${PREFIX}${file.fileName}`), { body: Buffer.from(file.body, 'utf8'), contentType: file.contentType });
    assert.deepEqual(
      outcome.written.map((written) => written.location),
      files.map((file) => `s3://${BUCKET}/${PREFIX}${file.fileName}`),
    );
  });

  it('reports a failed upload with its reason and still uploads the rest', async () => {
    const files = textReports(auditRunFixture());
    org.injectFault({ operation: 'PutObject', error: 'AccessDenied', matches: (input) => input.Key === `${PREFIX}${files[0].fileName}` });
    const outcome = await uploadReportsToS3(simulatedClientFactory(org).s3(), LOCATION, RUN_TIMESTAMP, files);
    assert.equal(outcome.failed.length, 1);
    assert.equal(outcome.failed[0].location, `s3://${BUCKET}/${PREFIX}${files[0].fileName}`);
    assert.match(outcome.failed[0].reason, /^AccessDenied: User: .* is not authorized to perform: s3:PutObject/);
    assert.equal(outcome.written.length, files.length - 1);
    assert.deepEqual(org.s3Keys(BUCKET), files.slice(1).map((file) => `${PREFIX}${file.fileName}`).sort());
  });

  it('sends a large report in parts and retries a part that fails', async () => {
    const report = largeReport('iam_audit_20240131T120000Z.json', 12);
    org.injectFault({ operation: 'UploadPart', error: 'ServiceFailure', times: 2, matches: (input) => input.PartNumber === 2 });
    const outcome = await uploadReportsToS3(simulatedClientFactory(org).s3(), LOCATION, RUN_TIMESTAMP, [report], { partBytes: PART_BYTES });
    assert.deepEqual(outcome.failed, []);
    assert.ok(org.s3Object(BUCKET, `${PREFIX}${report.fileName}`)?.body.equals(Buffer.from(report.body, 'utf8')));
    assert.equal(org.calls('CreateMultipartUpload'), 1);
    // Three parts, the second sent three times.
    assert.equal(org.calls('UploadPart'), 5);
    assert.equal(org.calls('CompleteMultipartUpload'), 1);
    assert.equal(org.openMultipartUploads(), 0);
  });

  it('delivers a large report whose connection drops once while a part is sent', async () => {
    const report = largeReport('findings_20240131T120000Z.csv', 11);
    org.injectFault({ operation: 'UploadPart', connection: 'drop', times: 1 });
    const outcome = await uploadReportsToS3(simulatedClientFactory(org, { timeouts: SHORT_TIMEOUTS }).s3(), LOCATION, RUN_TIMESTAMP, [report], { partBytes: PART_BYTES });
    assert.deepEqual(outcome.failed, []);
    assert.equal(org.connectionFaults().received.drop, 1);
    assert.ok(org.s3Object(BUCKET, `${PREFIX}${report.fileName}`)?.body.equals(Buffer.from(report.body, 'utf8')));
  });

  it('abandons an upload that is never answered, deletes its parts, names the file and keeps the others', async () => {
    const stuck = largeReport('iam_audit_20240131T120000Z.json', 11);
    const [small] = textReports(auditRunFixture());
    org.injectFault({ operation: 'UploadPart', connection: 'hang', matches: (input) => input.PartNumber === 2 });
    const started = Date.now();
    const outcome = await uploadReportsToS3(
      simulatedClientFactory(org, { timeouts: { connectionMs: 500, requestMs: 60_000, socketIdleMs: 60_000 } }).s3(),
      LOCATION,
      RUN_TIMESTAMP,
      [stuck, small],
      { partBytes: PART_BYTES, stallTimeoutMs: 1_000 },
    );
    assert.ok(Date.now() - started < 10_000, 'the stalled upload was cut, not waited on');
    assert.deepEqual(outcome.failed, [{ fileName: stuck.fileName, location: `s3://${BUCKET}/${PREFIX}${stuck.fileName}`, reason: 'UploadStalled: no part was sent in 1 s; the upload was abandoned' }]);
    assert.deepEqual(outcome.written.map((written) => written.fileName), [small.fileName]);
    assert.deepEqual(org.s3Keys(BUCKET), [`${PREFIX}${small.fileName}`]);
    assert.equal(org.calls('AbortMultipartUpload'), 1);
    assert.equal(org.openMultipartUploads(), 0);
  });

  it('abandons a small upload that is never answered', async () => {
    const [report] = textReports(auditRunFixture());
    org.injectFault({ operation: 'PutObject', connection: 'hang' });
    const outcome = await uploadReportsToS3(simulatedClientFactory(org, { timeouts: { connectionMs: 500, requestMs: 60_000, socketIdleMs: 60_000 } }).s3(), LOCATION, RUN_TIMESTAMP, [report], { stallTimeoutMs: 500 });
    assert.equal(outcome.failed.length, 1);
    assert.match(outcome.failed[0].reason, /^UploadStalled: no part was sent in 0.5 s/);
    assert.equal(org.connectionFaults().received.hang, 1);
  });

  it('completes an upload that keeps sending parts for longer than the stall timeout: the timer counts from the last part sent', async () => {
    // Four parts sent together, part n answered after n x 1.2 s: 4.8 s in all, never 2.5 s without a part.
    const client = simulatedClientFactory(org).s3();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const partNumber = (args.input as { PartNumber?: number }).PartNumber;
        if (context.commandName === 'UploadPartCommand' && partNumber !== undefined) await new Promise((resolve) => setTimeout(resolve, partNumber * 1_200));
        return next(args);
      },
      { step: 'initialize', name: 'slowPartsMiddleware' },
    );
    const report = largeReport('iam_audit_20240131T120000Z.json', 16);
    const started = Date.now();
    const outcome = await uploadReportsToS3(client, LOCATION, RUN_TIMESTAMP, [report], { partBytes: PART_BYTES, stallTimeoutMs: 2_500 });
    const elapsedMs = Date.now() - started;
    assert.deepEqual(outcome.failed, []);
    assert.ok(elapsedMs > 2_500, `the upload took ${elapsedMs} ms, longer than the stall timeout`);
    assert.equal(org.calls('UploadPart'), 4);
    assert.ok(org.s3Object(BUCKET, `${PREFIX}${report.fileName}`)?.body.equals(Buffer.from(report.body, 'utf8')));
  });

  it('ends the upload in flight at the deadline, deletes its parts, and fails the files not yet sent with its reason', async () => {
    const stuck = largeReport('iam_audit_20240131T120000Z.json', 11);
    const [small] = textReports(auditRunFixture());
    org.injectFault({ operation: 'UploadPart', connection: 'hang', matches: (input) => input.PartNumber === 2 });
    const deadline = new AbortController();
    setTimeout(() => deadline.abort(new StopDeadlinePassed('the run was stopped and its 1 s before the task is killed ran out')), 1_000);
    const started = Date.now();
    const outcome = await uploadReportsToS3(simulatedClientFactory(org, { timeouts: { connectionMs: 500, requestMs: 60_000, socketIdleMs: 60_000 } }).s3(), LOCATION, RUN_TIMESTAMP, [stuck, small], {
      partBytes: PART_BYTES,
      deadline: deadline.signal,
    });
    assert.ok(Date.now() - started < 6_000, 'cut at the deadline, not at the 120 s stall');
    assert.deepEqual(outcome.failed, [
      { fileName: stuck.fileName, location: `s3://${BUCKET}/${PREFIX}${stuck.fileName}`, reason: 'StopDeadlinePassed: the run was stopped and its 1 s before the task is killed ran out' },
      { fileName: small.fileName, location: `s3://${BUCKET}/${PREFIX}${small.fileName}`, reason: 'not uploaded: the run was stopped and its 1 s before the task is killed ran out' },
    ]);
    assert.equal(org.calls('AbortMultipartUpload'), 1);
    assert.equal(org.openMultipartUploads(), 0);
    assert.deepEqual(org.s3Keys(BUCKET), []);
  });
});

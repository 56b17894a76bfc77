import assert from 'node:assert/strict';
import { PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { parseS3Uri } from '../../../../auditor/cli/parsers';
import { buildReportFiles } from '../../../../auditor/reports';
import { s3RunPrefix, uploadReportsToS3 } from '../../../../auditor/publish/sinks/s3';
import { auditRunFixture, RUN_TIMESTAMP } from '../../../support/audit-run-fixture';

describe('S3 sink', () => {
  // Created per suite, not at load time: the stub sits on the S3Client prototype for the whole
  // mocha process, and another file's restore must not leave this one inert.
  let s3Mock: AwsClientStub<S3Client>;
  before(() => {
    s3Mock = mockClient(S3Client);
  });
  afterEach(() => s3Mock.reset());
  after(() => s3Mock.restore());

  it('puts the run under <prefix>/<YYYY>/<MM>/<DD>/<ts>/, with a normalised prefix', () => {
    assert.equal(s3RunPrefix(parseS3Uri('s3://audit-bucket/reports/', 'x'), RUN_TIMESTAMP), `reports/2024/01/31/${RUN_TIMESTAMP}/`);
    assert.equal(s3RunPrefix(parseS3Uri('s3://audit-bucket//a//b', 'x'), RUN_TIMESTAMP), `a/b/2024/01/31/${RUN_TIMESTAMP}/`);
    assert.equal(s3RunPrefix(parseS3Uri('s3://audit-bucket', 'x'), RUN_TIMESTAMP), `2024/01/31/${RUN_TIMESTAMP}/`);
  });

  it('uploads every report with one PutObject, its key, body and content type', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    const files = buildReportFiles(auditRunFixture());
    const outcome = await uploadReportsToS3(new S3Client({ region: 'us-east-1' }), { bucket: 'audit-bucket', prefix: 'reports' }, RUN_TIMESTAMP, files);
    const inputs = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input as PutObjectCommandInput);
    assert.deepEqual(
      inputs.map((input) => [input.Bucket, input.Key, input.ContentType, input.Body]),
      files.map((file) => ['audit-bucket', `reports/2024/01/31/${RUN_TIMESTAMP}/${file.fileName}`, file.contentType, file.body]),
    );
    assert.deepEqual(outcome.failed, []);
    assert.deepEqual(
      outcome.written.map((written) => written.location),
      files.map((file) => `s3://audit-bucket/reports/2024/01/31/${RUN_TIMESTAMP}/${file.fileName}`),
    );
  });

  it('reports a failed upload with its reason and still uploads the rest', async () => {
    const files = buildReportFiles(auditRunFixture());
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock.on(PutObjectCommand, { Key: `reports/2024/01/31/${RUN_TIMESTAMP}/${files[0].fileName}` }).rejects(denied);
    const outcome = await uploadReportsToS3(new S3Client({ region: 'us-east-1' }), { bucket: 'audit-bucket', prefix: 'reports' }, RUN_TIMESTAMP, files);
    assert.deepEqual(outcome.failed, [
      { fileName: files[0].fileName, location: `s3://audit-bucket/reports/2024/01/31/${RUN_TIMESTAMP}/${files[0].fileName}`, reason: 'AccessDenied: Access Denied' },
    ]);
    assert.equal(outcome.written.length, files.length - 1);
  });
});

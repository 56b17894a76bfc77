import { strict as assert } from 'assert';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { uploadReportsToS3 } from '../../auditor/publish/sinks/s3';
import { reportFileInPieces } from '../../auditor/reports/report-file';
import { simulatedClientFactory, SimulatedOrganization } from '../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';

describe('simulated S3: a bucket that keeps sizes only', () => {
  it('lists each object with its size, drops its bytes and refuses to read it back', async () => {
    const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT }).addAccount({ id: MANAGEMENT, name: 'management' });
    org.addBucket('kept').addBucket('sized', { keepBodies: false });
    const s3 = simulatedClientFactory(org).s3();
    for (const Bucket of ['kept', 'sized']) await s3.send(new PutObjectCommand({ Bucket, Key: 'a.csv', Body: 'x'.repeat(1000) }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sized' }));
    assert.deepEqual(listed.Contents?.map((item) => [item.Key, item.Size]), [['a.csv', 1000]]);
    assert.equal(org.s3Object('sized', 'a.csv')?.body.length, 0, 'the bytes are not kept');
    assert.equal(org.s3Object('kept', 'a.csv')?.body.length, 1000);
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sized', Key: 'a.csv' })), /keeps sizes only/);
    const kept = await s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'a.csv' }));
    assert.equal((await kept.Body?.transformToString())?.length, 1000);
  });

  it('sizes a multipart upload by its parts without keeping them', async () => {
    const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT }).addAccount({ id: MANAGEMENT, name: 'management' }).addBucket('sized', { keepBodies: false });
    const s3 = simulatedClientFactory(org).s3();
    const megabytes = 11;
    const report = reportFileInPieces('big.csv', 'text/csv', function* () {
      for (let index = 0; index < megabytes; index += 1) yield 'x'.repeat(1024 * 1024);
    });
    const outcome = await uploadReportsToS3(s3, { bucket: 'sized', prefix: '' }, '20240131T120000Z', [report], { partBytes: 5 * 1024 * 1024 });
    assert.deepEqual(outcome.failed, []);
    assert.equal(org.calls('UploadPart'), 3);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sized' }));
    assert.deepEqual(listed.Contents?.map((item) => item.Size), [megabytes * 1024 * 1024]);
  });
});

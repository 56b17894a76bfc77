import { strict as assert } from 'assert';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
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
});

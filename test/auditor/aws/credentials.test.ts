import { strict as assert } from 'assert';
import { AssumeRoleError, assumedRoleCredentials, auditSessionName, callerIdentity, partitionFromArn, roleArn } from '../../../auditor/aws/credentials';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';

function organization(options: { partition?: string; now?: () => Date; sessionDurationSeconds?: number } = {}): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', recordCalls: true, ...options })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount({ id: MEMBER, name: 'member', externalId: 'expected-external-id' })
    .addAccount({ id: '333333333333', name: 'no role', auditRole: 'missing' });
}

describe('audit role credentials', () => {
  it('assumes the partition-aware role ARN with the run session name and the external id', async () => {
    const org = organization({ partition: 'aws-us-gov' });
    const sts = simulatedClientFactory(org).sts();
    const identity = await callerIdentity(sts);
    assert.equal(identity.partition, 'aws-us-gov');
    const provider = assumedRoleCredentials({
      sts,
      partition: identity.partition,
      accountId: MEMBER,
      roleName: 'Audit',
      sessionName: auditSessionName('20240131T120000Z'),
      externalId: 'expected-external-id',
    });
    const credentials = await provider();
    assert.match(credentials.accessKeyId, new RegExp(`^ASIA${MEMBER}`));
    assert.ok(credentials.sessionToken, 'temporary credentials carry a session token');
    const call = org.callLog.find((entry) => entry.operation === 'AssumeRole');
    assert.deepEqual(
      { RoleArn: call?.input.RoleArn, RoleSessionName: call?.input.RoleSessionName, ExternalId: call?.input.ExternalId },
      { RoleArn: `arn:aws-us-gov:iam::${MEMBER}:role/Audit`, RoleSessionName: 'iam-audit-20240131T120000Z', ExternalId: 'expected-external-id' },
    );
  });

  it('reuses the credentials until they near expiry, then assumes the role again', async () => {
    let nowMs = Date.parse('2024-01-31T12:00:00Z');
    const org = organization({ now: () => new Date(nowMs), sessionDurationSeconds: 3600 });
    const provider = assumedRoleCredentials({ sts: simulatedClientFactory(org).sts(), partition: 'aws', accountId: MANAGEMENT, roleName: 'Audit', sessionName: 'iam-audit-test', now: () => nowMs });
    const first = await provider();
    const second = await provider();
    assert.equal(second.accessKeyId, first.accessKeyId);
    assert.equal(org.calls('AssumeRole', MANAGEMENT), 1);
    nowMs += 56 * 60 * 1000; // four minutes left: inside the refresh margin
    const renewed = await provider();
    assert.notEqual(renewed.accessKeyId, first.accessKeyId);
    assert.equal(org.calls('AssumeRole', MANAGEMENT), 2);
    assert.equal(renewed.expiration?.getTime(), nowMs + 3600 * 1000);
  });

  it('shares one AssumeRole call between concurrent callers', async () => {
    const org = organization();
    const provider = assumedRoleCredentials({ sts: simulatedClientFactory(org).sts(), partition: 'aws', accountId: MANAGEMENT, roleName: 'Audit', sessionName: 'iam-audit-test' });
    const all = await Promise.all([provider(), provider(), provider()]);
    assert.equal(new Set(all.map((credentials) => credentials.accessKeyId)).size, 1);
    assert.equal(org.calls('AssumeRole', MANAGEMENT), 1);
  });

  it('says why AssumeRole failed, and tries again on the next call', async () => {
    const org = organization();
    const provider = assumedRoleCredentials({ sts: simulatedClientFactory(org).sts(), partition: 'aws', accountId: '333333333333', roleName: 'Audit', sessionName: 'iam-audit-test' });
    await assert.rejects(provider(), (error: unknown) => {
      assert.ok(error instanceof AssumeRoleError);
      assert.equal(
        error.message,
        `AssumeRole failed: AccessDenied: User: arn:aws:iam::${MANAGEMENT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/Audit`,
      );
      return true;
    });
    await assert.rejects(provider(), AssumeRoleError);
    assert.equal(org.calls('AssumeRole', '333333333333'), 2);
  });

  it('is refused without the external id the role requires', async () => {
    const org = organization();
    const provider = assumedRoleCredentials({ sts: simulatedClientFactory(org).sts(), partition: 'aws', accountId: MEMBER, roleName: 'Audit', sessionName: 'iam-audit-test' });
    await assert.rejects(provider(), /AssumeRole failed: AccessDenied/);
  });

  it('builds ARNs and session names AWS accepts', () => {
    assert.equal(roleArn('aws-cn', MEMBER, 'Audit'), `arn:aws-cn:iam::${MEMBER}:role/Audit`);
    assert.equal(partitionFromArn('arn:aws-us-gov:sts::123456789012:assumed-role/a/b'), 'aws-us-gov');
    assert.throws(() => partitionFromArn('not-an-arn'), /not an ARN/);
    assert.match(auditSessionName('20240131T120000Z'), /^[\w+=,.@-]{2,64}$/);
  });
});

import { strict as assert } from 'assert';
import { REMEDIATION_CHANGES, remediationChange, weeklyRemediation } from '../../../auditor/analysis/remediation-trend';
import { IAM_REMEDIATION_EVENT_NAMES } from '../../../auditor/collectors/cloudtrail';
import type { CloudTrailEventRecord } from '../../../auditor/model';

function event(eventName: string, eventTime: string, extra: Partial<CloudTrailEventRecord> = {}): CloudTrailEventRecord {
  return { eventId: `${eventName}-${eventTime}`, eventTime, eventName, eventSource: 'iam.amazonaws.com', username: 'admin', accountId: '111111111111', accountName: 'prod', resources: [], sourceIPAddress: '198.51.100.1', ...extra };
}

describe('remediation trend', () => {
  it('tells a key deactivated from a key reactivated by the status UpdateAccessKey set', () => {
    assert.equal(remediationChange(event('UpdateAccessKey', '2024-06-03T00:00:00Z', { accessKeyStatus: 'Inactive' })), 'key-deactivated');
    assert.equal(remediationChange(event('UpdateAccessKey', '2024-06-03T00:00:00Z', { accessKeyStatus: 'Active' })), 'key-activated');
    assert.equal(remediationChange(event('UpdateAccessKey', '2024-06-03T00:00:00Z')), null, 'a status the event does not carry is not guessed');
    assert.equal(REMEDIATION_CHANGES['key-deactivated'].direction, 'progress');
    assert.equal(REMEDIATION_CHANGES['key-activated'].direction, 'regression');
  });

  it('counts every IAM event the collector keeps, and no root sign-in', () => {
    for (const name of IAM_REMEDIATION_EVENT_NAMES) {
      const change = remediationChange(event(name, '2024-06-03T00:00:00Z', { accessKeyStatus: 'Inactive' }));
      assert.notEqual(change, null, `${name} counts in the trend`);
    }
    assert.equal(remediationChange(event('ConsoleLogin', '2024-06-03T00:00:00Z', { eventSource: 'signin.amazonaws.com', username: 'root' })), null);
  });

  it('shows a week of regressions as regressions, not as an empty week', () => {
    const weeks = weeklyRemediation([
      {
        events: [
          event('EnableMFADevice', '2024-06-03T09:00:00Z'),
          event('DeactivateMFADevice', '2024-06-10T09:00:00Z'),
          event('DeleteVirtualMFADevice', '2024-06-10T09:01:00Z'),
          event('UpdateAccessKey', '2024-06-11T09:00:00Z', { accessKeyStatus: 'Active' }),
          event('CreateLoginProfile', '2024-06-16T23:59:59Z'),
        ],
      },
      { events: [event('UpdateAccessKey', '2024-06-17T00:00:00Z', { accessKeyStatus: 'Inactive' }), event('DeleteLoginProfile', 'not a date')] },
    ]);
    assert.deepEqual(weeks, [
      { weekStart: '2024-06-03', progress: 1, regressions: 0, changes: { 'mfa-enabled': 1 } },
      { weekStart: '2024-06-10', progress: 0, regressions: 4, changes: { 'mfa-deactivated': 1, 'virtual-mfa-deleted': 1, 'key-activated': 1, 'password-created': 1 } },
      { weekStart: '2024-06-17', progress: 1, regressions: 0, changes: { 'key-deactivated': 1 } },
    ]);
  });
});

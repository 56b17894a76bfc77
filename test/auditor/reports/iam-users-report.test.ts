import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { iamUsersCsvChunks } from '../../../auditor/reports/iam-users-report';
import { reportText } from '../../support/report-text';
import { auditRunFixture, HOSTILE_ACCOUNT_NAME } from '../../support/audit-run-fixture';

const SEED_HEADER =
  'account_id,account_name,username,password_status,password_last_used,access_key_id,status,created_date,last_used_date,service_name,mfa_status';

function rowsByUser(csv: string): Map<string, Record<string, string>[]> {
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  const byUser = new Map<string, Record<string, string>[]>();
  for (const record of records) byUser.set(record.username, [...(byUser.get(record.username) ?? []), record]);
  return byUser;
}

describe('iam_audit_report CSV', () => {
  const csv = reportText(iamUsersCsvChunks(auditRunFixture()));
  const byUser = rowsByUser(csv);

  it('has the seed header first and unchanged, then the user\'s ARN and creation time', () => {
    assert.equal(csv.split('\n')[0], `${SEED_HEADER},user_arn,user_created_date`);
  });

  it('writes one row per access key, with never used keys as Never and N/A', () => {
    assert.deepEqual(byUser.get('alice'), [
      {
        account_id: '111111111111',
        account_name: 'Management',
        username: 'alice',
        password_status: 'Configured',
        password_last_used: '2024-01-29T10:00:00.000Z',
        access_key_id: 'AKIAALICE0000000001',
        status: 'Active',
        created_date: '2023-01-01T00:00:00.000Z',
        last_used_date: '2024-01-30T08:00:00.000Z',
        service_name: 's3',
        mfa_status: 'Virtual',
        user_arn: 'arn:aws:iam::111111111111:user/alice',
        user_created_date: '2022-06-01T00:00:00.000Z',
      },
      {
        account_id: '111111111111',
        account_name: 'Management',
        username: 'alice',
        password_status: 'Configured',
        password_last_used: '2024-01-29T10:00:00.000Z',
        access_key_id: 'AKIAALICE0000000002',
        status: 'Inactive',
        created_date: '2024-01-15T00:00:00.000Z',
        last_used_date: 'Never',
        service_name: 'N/A',
        mfa_status: 'Virtual',
        user_arn: 'arn:aws:iam::111111111111:user/alice',
        user_created_date: '2022-06-01T00:00:00.000Z',
      },
    ]);
  });

  it('writes one row with empty key columns for a user without keys', () => {
    assert.deepEqual(byUser.get('bob'), [
      {
        account_id: '111111111111',
        account_name: 'Management',
        username: 'bob',
        password_status: 'Not configured',
        password_last_used: 'Never',
        access_key_id: '',
        status: '',
        created_date: '',
        last_used_date: '',
        service_name: '',
        mfa_status: 'None',
        user_arn: 'arn:aws:iam::111111111111:user/bob',
        user_created_date: '2022-06-01T00:00:00.000Z',
      },
    ]);
  });

  it('says Never for a password that was never used', () => {
    const [carol] = byUser.get('carol') ?? [];
    assert.equal(carol.password_status, 'Configured');
    assert.equal(carol.password_last_used, 'Never');
    assert.equal(carol.last_used_date, 'Never');
  });

  it('reports every MFA type', () => {
    const mfa = Object.fromEntries([...byUser].map(([name, rows]) => [name, rows[0].mfa_status]));
    assert.deepEqual(mfa, { alice: 'Virtual', bob: 'None', carol: 'Hardware', dave: 'SecurityKey', erin: 'None', "'-mallory": 'Unknown' });
  });

  it('neutralises hostile account and user names and keeps them intact otherwise', () => {
    const [mallory] = byUser.get("'-mallory") ?? [];
    assert.equal(mallory.account_name, `'${HOSTILE_ACCOUNT_NAME}`);
    assert.equal(mallory.access_key_id, 'AKIAMALLORY00000001');
  });

  it('lists no user of an account without data, and never a secret', () => {
    assert.equal([...byUser.values()].flat().filter((row) => row.account_id === '333333333333').length, 0);
    assert.doesNotMatch(csv, /secret/i);
  });
});

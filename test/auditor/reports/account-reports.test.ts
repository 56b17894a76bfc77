import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { cloudTrailEventsCsvChunks } from '../../../auditor/reports/cloudtrail-events-report';
import { reportText } from '../../support/report-text';
import { coverageCsv } from '../../../auditor/reports/coverage-report';
import { rootCsv } from '../../../auditor/reports/root-report';
import { auditRunFixture, HOSTILE_ACCOUNT_NAME } from '../../support/audit-run-fixture';

const parseRows = (csv: string): string[][] => parse(csv) as string[][];

describe('root, CloudTrail and coverage CSVs', () => {
  const run = auditRunFixture();

  it('root report: one row per account with root data, booleans and Never', () => {
    assert.deepEqual(parseRows(rootCsv(run)), [
      ['account_id', 'account_name', 'mfa_enabled', 'mfa_type', 'access_key_active', 'password_last_used', 'credentials'],
      ['111111111111', 'Management', 'true', 'Hardware', 'false', '2024-01-02T03:04:05.000Z', 'password'],
      ['222222222222', `'${HOSTILE_ACCOUNT_NAME}`, 'false', 'None', 'true', 'Never', 'password, access key'],
    ]);
  });

  it('CloudTrail report: oldest first, resources joined with ;, hostile cells neutralised', () => {
    assert.deepEqual(parseRows(reportText(cloudTrailEventsCsvChunks(run))), [
      ['eventTime', 'eventName', 'username', 'account_id', 'account_name', 'resources', 'eventSource', 'sourceIPAddress'],
      [
        '2024-01-05T00:00:00.000Z',
        'CreateAccessKey',
        "'@attacker",
        '222222222222',
        `'${HOSTILE_ACCOUNT_NAME}`,
        "'-mallory;AKIAMALLORY00000001",
        'iam.amazonaws.com',
        "'+1 203.0.113.9",
      ],
      ['2024-01-10T00:00:00.000Z', 'DeleteAccessKey', 'admin', '111111111111', 'Management', 'alice;AKIAOLD000000000001', 'iam.amazonaws.com', '198.51.100.7'],
    ]);
  });

  it('coverage report: every listed account once, with audited yes/partial/no and every error', () => {
    const rows = parseRows(coverageCsv(run));
    assert.deepEqual(rows[0], ['account_id', 'account_name', 'state', 'audited', 'error']);
    assert.deepEqual(
      rows.slice(1).map((row) => row[0]),
      run.accounts.map((audit) => audit.account.id),
    );
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    assert.deepEqual(byId.get('111111111111'), ['111111111111', 'Management', 'ACTIVE', 'yes', '']);
    const partial = byId.get('222222222222') ?? [];
    assert.equal(partial[3], 'partial');
    assert.match(partial[4], /ListMFADevices for -mallory: AccessDenied \| CloudTrail: ThrottlingException \| users listed with per-user calls/);
    assert.deepEqual(byId.get('333333333333'), ['333333333333', 'No role', 'ACTIVE', 'no', 'AssumeRole arn:aws:iam::333333333333:role/Audit: AccessDenied']);
    assert.deepEqual(byId.get('444444444444'), [
      '444444444444',
      'Old',
      'SUSPENDED',
      'no',
      'skipped: account state is SUSPENDED',
    ]);
  });

  it('coverage report writes each reason once, as its text, whatever its kind', () => {
    const filtered = auditRunFixture();
    const skipped = filtered.accounts[3];
    skipped.coverage = { ...skipped.coverage, state: 'ACTIVE', skipped: 'filter', errors: [{ kind: 'skipped', detail: 'excluded by --exclude-accounts' }] };
    const row = parseRows(coverageCsv(filtered)).find((cells) => cells[0] === '444444444444');
    assert.deepEqual(row?.slice(3), ['no', 'skipped: excluded by --exclude-accounts']);
    skipped.coverage = { ...skipped.coverage, skipped: null, errors: [{ kind: 'timed-out', detail: '600 s in ListUsers' }, { kind: 'stopped', detail: '' }, { kind: 'recorded', detail: 'as an older report wrote it' }] };
    const texts = parseRows(coverageCsv(filtered)).find((cells) => cells[0] === '444444444444')?.[4];
    assert.equal(texts, 'timed out after 600 s in ListUsers | run stopped | as an older report wrote it');
  });
});

import { strict as assert } from 'assert';
import { parse } from 'csv-parse/sync';
import { evaluateFindings } from '../../../auditor/analysis/findings';
import { findingsCsvChunks, FINDINGS_CSV_HEADER } from '../../../auditor/reports/findings-csv';
import { reportText } from '../../support/report-text';
import { account, daysAgo, notAudited, run, user } from '../../support/run-fixtures';

function findingsCsvText(findings: Parameters<typeof findingsCsvChunks>[0]): string {
  return reportText(findingsCsvChunks(findings));
}

describe('findings CSV', () => {
  it('writes one row per finding, worst first, with the controls, and neutralises formulas', () => {
    const findings = evaluateFindings(run([
      account('111111111111', '=HYPERLINK("http://evil")', { users: [user('alice, "the admin"', { passwordEnabled: true, passwordLastUsed: daysAgo(1) })] }),
      notAudited('222222222222', 'dev', 'AssumeRole: AccessDenied'),
    ]));
    const rows: string[][] = parse(findingsCsvText(findings));
    assert.deepEqual(rows[0], [...FINDINGS_CSV_HEADER]);
    assert.equal(rows.length, 3);
    const [critical, high] = rows.slice(1);
    assert.deepEqual([critical[0], critical[1], critical[3], critical[4], critical[6], critical[9], critical[10]], [
      'critical', 'console-user-without-mfa', '111111111111', `'=HYPERLINK("http://evil")`, 'alice, "the admin"', '2.10', 'IAM.5 IAM.19',
    ]);
    assert.deepEqual([high[0], high[1], high[6]], ['high', 'account-not-audited', '222222222222']);
    // The stable key follows the columns the file always had.
    assert.equal(FINDINGS_CSV_HEADER[12], 'key');
    assert.equal(critical[12], findings[0].key);
    assert.equal(high[12], 'account-not-audited|222222222222|222222222222');
    assert.match(high[7], /AssumeRole: AccessDenied/);
  });

  it('keeps the earlier columns in place and says in trailing columns whether, why and until when a finding is muted, then its CIS v5.0 numbers', () => {
    const [open, muted] = evaluateFindings(run([account('111111111111', 'prod', { users: [
      user('alice', { passwordEnabled: true, passwordLastUsed: daysAgo(1) }),
      user('break-glass', { passwordEnabled: true, passwordLastUsed: daysAgo(60) }),
    ] })]));
    const rows: string[][] = parse(findingsCsvText([open, { ...muted, muted: { reason: 'Sealed, opened twice a year', expires: '2027-06-30' } }]));
    assert.deepEqual(rows[0].slice(0, 13), ['severity', 'rule_id', 'title', 'account_id', 'account_name', 'resource_type', 'resource', 'evidence', 'remediation', 'cis_v7', 'security_hub', 'smm', 'key']);
    assert.deepEqual(rows[0].slice(13), ['muted', 'muted_reason', 'muted_expires', 'cis_v5']);
    assert.deepEqual([rows[1][9], rows[1][16]], ['2.10', '1.9']);
    assert.deepEqual([rows[1][6], ...rows[1].slice(13, 16)], ['alice', 'no', '', '']);
    assert.deepEqual([rows[2][6], ...rows[2].slice(13, 16)], ['break-glass', 'yes', 'Sealed, opened twice a year', '2027-06-30']);
  });

  it('writes the header alone when there is nothing to report', () => {
    assert.equal(findingsCsvText([]), `${FINDINGS_CSV_HEADER.join(',')}\n`);
  });
});

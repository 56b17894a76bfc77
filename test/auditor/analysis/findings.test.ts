import { strict as assert } from 'assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countBySeverity, evaluateFindings, isAtOrAbove, RULE_CATALOGUE, RULE_IDS, type Finding } from '../../../auditor/analysis/findings';
import { accessKey, account, consoleUserWithMfa, daysAgo, hardwareRoot, notAudited, run, user } from '../../support/run-fixtures';

function only(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter((finding) => finding.ruleId === ruleId);
}

describe('evaluateFindings', () => {
  it('gives nothing for a clean account', () => {
    const clean = run([account('111111111111', 'clean', { users: [consoleUserWithMfa('alice'), user('ci', { accessKeys: [accessKey('AKIAFRESH')] })] })]);
    assert.deepEqual(evaluateFindings(clean), []);
  });

  it('calls a console user without MFA critical after a recent sign-in, high otherwise', () => {
    const findings = evaluateFindings(run([account('111111111111', 'prod', {
      users: [
        user('recent', { passwordEnabled: true, passwordLastUsed: daysAgo(5), createdDate: daysAgo(10) }),
        user('stale', { passwordEnabled: true, passwordLastUsed: daysAgo(31), createdDate: daysAgo(40) }),
        user('never', { passwordEnabled: true, passwordLastUsed: null, createdDate: daysAgo(10) }),
        consoleUserWithMfa('safe'),
      ],
    })]));
    const mfa = only(findings, 'console-user-without-mfa');
    assert.deepEqual(mfa.map((finding) => [finding.resource, finding.severity]), [['recent', 'critical'], ['never', 'high'], ['stale', 'high']]);
    assert.deepEqual(mfa[0].controls, { cisV7: ['2.10'], cisV5: ['1.9'], securityHub: ['IAM.5', 'IAM.19'], smm: ['Phase 1: Multi-Factor Authentication'] });
    assert.match(mfa[0].evidence, /5 days ago/);
    assert.equal(mfa[0].key, 'console-user-without-mfa|111111111111|recent');
  });

  it('judges key age by the thresholds given', () => {
    const accounts = [account('111111111111', 'prod', {
      users: [user('svc', { accessKeys: [
        accessKey('AKIAOLD', { createdDate: daysAgo(400) }),
        accessKey('AKIAMID', { createdDate: daysAgo(100) }),
        accessKey('AKIAINACTIVE', { createdDate: daysAgo(900), status: 'Inactive' }),
      ] })],
    })];
    const byDefault = evaluateFindings(run(accounts));
    assert.deepEqual(only(byDefault, 'access-key-very-old').map((finding) => [finding.resource, finding.severity]), [['svc/AKIAOLD', 'high']]);
    assert.deepEqual(only(byDefault, 'access-key-not-rotated').map((finding) => [finding.resource, finding.severity]), [['svc/AKIAMID', 'medium']]);

    const stricter = evaluateFindings(run(accounts), { keyMaxAgeDays: 30, keyCriticalAgeDays: 99, unusedDays: 45, recentLoginDays: 30 });
    assert.deepEqual(only(stricter, 'access-key-very-old').map((finding) => finding.resource), ['svc/AKIAMID', 'svc/AKIAOLD']);
  });

  it('flags unused and never-used credentials, and two active keys', () => {
    const findings = evaluateFindings(run([account('111111111111', 'prod', {
      users: [
        user('idle', { accessKeys: [accessKey('AKIAIDLE', { lastUsedDate: daysAgo(46) }), accessKey('AKIABUSY')] }),
        user('fresh', { accessKeys: [accessKey('AKIANEW', { createdDate: daysAgo(3), lastUsedDate: null, lastUsedService: null })] }),
        user('forgotten', { accessKeys: [accessKey('AKIAFORGOT', { createdDate: daysAgo(60), lastUsedDate: null })] }),
        user('dormant', { passwordEnabled: true, passwordLastUsed: daysAgo(50), mfaActive: true, mfaType: 'Virtual' }),
      ],
    })]));
    assert.deepEqual(only(findings, 'credentials-unused').map((finding) => finding.resource).sort(), ['dormant', 'idle/AKIAIDLE']);
    assert.deepEqual(only(findings, 'access-key-never-used').map((finding) => [finding.resource, finding.severity]), [['forgotten/AKIAFORGOT', 'medium'], ['fresh/AKIANEW', 'low']]);
    assert.deepEqual(only(findings, 'user-with-two-active-keys').map((finding) => finding.resource), ['idle']);
  });

  it('judges the root user', () => {
    const findings = evaluateFindings(run([
      account('111111111111', 'keys', { root: hardwareRoot({ accessKeysActive: true, accessKeysPresent: 1 }) }),
      account('222222222222', 'nomfa', { root: hardwareRoot({ mfaEnabled: false, mfaType: 'None' }) }),
      account('333333333333', 'virtual', { root: hardwareRoot({ mfaType: 'Virtual' }) }),
    ]));
    assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.accountId, finding.severity]), [
      ['root-access-key-active', '111111111111', 'critical'],
      ['root-without-mfa', '222222222222', 'critical'],
      ['root-virtual-mfa-only', '333333333333', 'low'],
    ]);
  });

  it('calls an account that could not be audited high and a partial one medium, but not a skipped one', () => {
    const partial = account('222222222222', 'half');
    partial.coverage = { ...partial.coverage, audited: 'partial', errors: [{ kind: 'incomplete', detail: 'ListMFADevices: AccessDenied' }] };
    const suspended = notAudited('333333333333', 'gone', 'suspended');
    suspended.coverage = { ...suspended.coverage, skipped: 'state', errors: [] };
    const findings = evaluateFindings(run([notAudited('111111111111', 'dark', 'AssumeRole: AccessDenied'), partial, suspended]));
    assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.severity]), [['account-not-audited', 'high'], ['account-partially-audited', 'medium']]);
    assert.match(findings[0].evidence, /AssumeRole: AccessDenied/);
  });

  it('refuses thresholds that contradict each other', () => {
    assert.throws(() => evaluateFindings(run([]), { keyMaxAgeDays: 90, keyCriticalAgeDays: 90, unusedDays: 45, recentLoginDays: 30 }), /keyCriticalAgeDays/);
    assert.throws(() => evaluateFindings(run([]), { keyMaxAgeDays: 0, keyCriticalAgeDays: 90, unusedDays: 45, recentLoginDays: 30 }), /keyMaxAgeDays/);
  });

  it('titles the limits in days as the run judged them, never by the flag that set them', () => {
    const thresholds = { keyMaxAgeDays: 30, keyCriticalAgeDays: 180, unusedDays: 60, recentLoginDays: 30 };
    const findings = evaluateFindings(run([account('111111111111', 'prod', {
      users: [
        user('old', { accessKeys: [accessKey('AKIAOLD', { createdDate: daysAgo(200), lastUsedDate: daysAgo(1) })] }),
        user('aging', { accessKeys: [accessKey('AKIAAGING', { createdDate: daysAgo(40), lastUsedDate: daysAgo(1) })] }),
        user('idle', { accessKeys: [accessKey('AKIAIDLE', { createdDate: daysAgo(20), lastUsedDate: daysAgo(70) })] }),
      ],
    })]), thresholds);
    assert.equal(only(findings, 'access-key-very-old')[0].title, 'Active access key older than 180 days');
    assert.equal(only(findings, 'access-key-not-rotated')[0].title, 'Active access key older than 30 days');
    assert.equal(only(findings, 'credentials-unused')[0].title, 'Password or access key unused for 60 days or more');
    for (const id of RULE_IDS) assert.doesNotMatch(RULE_CATALOGUE[id].title(thresholds), /--/, id);
  });

  it('describes every rule with a remediation and at least one control', () => {
    for (const id of RULE_IDS) {
      const rule = RULE_CATALOGUE[id];
      assert.ok(rule.remediation.length > 20, id);
      // An expired exemption is about the exemptions file; the findings it let back in carry the controls.
      if (id === 'exemption-expired') continue;
      assert.ok(rule.controls.cisV7.length + rule.controls.cisV5.length + rule.controls.securityHub.length + rule.controls.smm.length > 0, id);
    }
  });
});

describe('severity helpers', () => {
  it('counts and compares severities', () => {
    assert.deepEqual(countBySeverity([{ severity: 'high' }, { severity: 'high' }, { severity: 'low' }]), { critical: 0, high: 2, medium: 0, low: 1 });
    assert.equal(isAtOrAbove('critical', 'high'), true);
    assert.equal(isAtOrAbove('high', 'high'), true);
    assert.equal(isAtOrAbove('medium', 'high'), false);
  });
});

describe('docs/findings.md', () => {
  it('lists every rule of the catalogue, in its order, with its CIS v7.0, CIS v5.0 and Security Hub controls', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'findings.md'), 'utf8');
    const start = doc.indexOf('\n## Rules');
    assert.ok(start >= 0, 'docs/findings.md has a Rules section');
    const end = doc.indexOf('\n## ', start + 1);
    const rows = doc.slice(start, end < 0 ? undefined : end).split('\n').filter((line) => /^\| `[a-z-]+` \|/.test(line));
    const documented = rows.map((row) => {
      const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
      const list = (cell: string) => (cell === '' ? [] : cell.split(',').map((item) => item.trim()));
      return { id: cells[0].replace(/`/g, ''), cisV7: list(cells[3]), cisV5: list(cells[4]), securityHub: list(cells[5]) };
    });
    assert.deepEqual(documented, RULE_IDS.map((id) => ({ id, cisV7: RULE_CATALOGUE[id].controls.cisV7, cisV5: RULE_CATALOGUE[id].controls.cisV5, securityHub: RULE_CATALOGUE[id].controls.securityHub })));
  });
});

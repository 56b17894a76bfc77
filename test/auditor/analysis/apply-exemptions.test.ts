import { strict as assert } from 'assert';
import { applyExemptions, exemptionSubject, openFindings } from '../../../auditor/analysis/apply-exemptions';
import { parseExemptionsYaml, type ExemptionList } from '../../../auditor/analysis/exemptions';
import { evaluateFindings, type Finding } from '../../../auditor/analysis/findings';
import { analyseRun, formatAnalysis, reachesFailOn } from '../../../auditor/analysis/run-analysis';
import { DEFAULT_THRESHOLDS } from '../../../auditor/analysis/findings/thresholds';
import type { AuditRun } from '../../../auditor/model';
import { accessKey, account, daysAgo, hardwareRoot, notAudited, run, user, RUN_STARTED_AT } from '../../support/run-fixtures';

const PROD = '015197090613';
const DEV = '222222222222';
// The fixture's run starts 2024-06-30T12:00Z.
const TODAY = '2024-06-30';
const YESTERDAY = '2024-06-29';

function organization(): AuditRun {
  return run([
    account(PROD, 'prod', {
      users: [
        user('break-glass-admin', { accessKeys: [accessKey('AKIABREAKGLASS', { createdDate: daysAgo(500) })] }),
        user('alice', { passwordEnabled: true, passwordLastUsed: daysAgo(3) }),
      ],
      root: hardwareRoot({ mfaType: 'Virtual' }),
    }),
    account(DEV, 'dev', { users: [user('break-glass-ops', { accessKeys: [accessKey('AKIADEVGLASS', { createdDate: daysAgo(500) })] })] }),
    notAudited('333333333333', 'sandbox', 'AccessDenied'),
  ], { managementAccountId: '111111111111' });
}

function exemptions(yaml: string): ExemptionList {
  return parseExemptionsYaml(`exemptions:\n${yaml}`, 'exemptions.yaml');
}

function keys(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.key).sort();
}

describe('applying the exemptions', () => {
  it('mutes the findings an entry matches, with its reason and last day, and keeps every finding', () => {
    const findings = evaluateFindings(organization());
    const list = exemptions(`  - account: "${PROD}"
    user: break-glass-*
    rule: "*"
    reason: Sealed break-glass key
    expires: 2027-06-30
`);
    const { findings: applied, outcome } = applyExemptions(findings, list, organization(), DEFAULT_THRESHOLDS);
    assert.deepEqual(keys(applied), keys(findings));
    const muted = applied.filter((finding) => finding.muted !== undefined);
    assert.deepEqual(muted.map((finding) => finding.resource), ['break-glass-admin/AKIABREAKGLASS']);
    assert.deepEqual(muted[0].muted, { reason: 'Sealed break-glass key', expires: '2027-06-30' });
    // The same user name in another account is not covered by an entry for one account.
    assert.ok(applied.some((finding) => finding.resource === 'break-glass-ops/AKIADEVGLASS' && finding.muted === undefined));
    assert.deepEqual({ ...outcome, expired: outcome.expired.length, unused: outcome.unused.length }, { source: 'exemptions.yaml', entries: 1, mutedFindings: 1, expired: 0, unused: 0 });
  });

  it('matches root findings with user "root" and account findings with user "*" only', () => {
    const findings = evaluateFindings(organization());
    const { findings: applied, outcome } = applyExemptions(findings, exemptions(`  - account: "*"
    user: root
    rule: "*"
    reason: hardware key on order
    expires: 2027-01-01
`), organization(), DEFAULT_THRESHOLDS);
    const muted = applied.filter((finding) => finding.muted !== undefined).map((finding) => `${finding.ruleId} ${finding.resource}`);
    // Coverage findings (account-not-audited) are never muted: entries for them are refused.
    assert.deepEqual(muted.sort(), [`root-virtual-mfa-only root`]);
    assert.deepEqual(outcome.unused, []);
  });

  it('tells the user a key belongs to, a root finding and an account finding apart', () => {
    assert.equal(exemptionSubject({ accountId: PROD, ruleId: 'access-key-very-old', resourceType: 'access-key', resource: 'bob/AKIA1' }).user, 'bob');
    assert.equal(exemptionSubject({ accountId: PROD, ruleId: 'root-without-mfa', resourceType: 'root', resource: 'root' }).user, 'root');
    assert.equal(exemptionSubject({ accountId: PROD, ruleId: 'account-not-audited', resourceType: 'account', resource: PROD }).user, null);
  });

  it('holds on its last day and no longer the day after: an expired entry mutes nothing and is a low finding of its own', () => {
    const entry = (expires: string) => exemptions(`  - account: "*"
    user: break-glass-*
    rule: access-key-very-old
    reason: Sealed break-glass key
    expires: ${expires}
`);
    const findings = evaluateFindings(organization());
    const lastDay = applyExemptions(findings, entry(TODAY), organization(), DEFAULT_THRESHOLDS);
    assert.equal(lastDay.outcome.mutedFindings, 2);
    assert.ok(!lastDay.findings.some((finding) => finding.ruleId === 'exemption-expired'));

    const dayAfter = applyExemptions(findings, entry(YESTERDAY), organization(), DEFAULT_THRESHOLDS);
    assert.equal(dayAfter.outcome.mutedFindings, 0);
    assert.deepEqual(openFindings(dayAfter.findings).length, dayAfter.findings.length);
    assert.deepEqual(dayAfter.outcome.expired.map((expired) => expired.expires), [YESTERDAY]);
    assert.deepEqual(dayAfter.outcome.unused, []);
    const expired = dayAfter.findings.filter((finding) => finding.ruleId === 'exemption-expired');
    assert.equal(expired.length, 1);
    assert.equal(expired[0].severity, 'low');
    // An entry for every account is the organization's: its management account.
    assert.equal(expired[0].key, 'exemption-expired|111111111111|exemption */break-glass-*/access-key-very-old');
    assert.match(expired[0].evidence, /^exemptions\.yaml line 2: the exemption for account \*, user break-glass-\*, rule access-key-very-old expired on 2024-06-29/);
    assert.match(expired[0].remediation, /new expires date/);
  });

  it('gives an expired entry for one account that account, and the same key whatever its line', () => {
    const expiredIn = (prefix: string) => applyExemptions([], exemptions(`${prefix}  - account: "${PROD}"
    user: alice
    rule: console-user-without-mfa
    reason: onboarding
    expires: 2024-01-01
`), organization(), DEFAULT_THRESHOLDS).findings;
    const first = expiredIn('');
    const moved = expiredIn(`  - account: "*"\n    user: nobody\n    rule: "*"\n    reason: r\n    expires: 2030-01-01\n`);
    assert.deepEqual(first.map((finding) => [finding.accountId, finding.accountName]), [[PROD, 'prod']]);
    assert.deepEqual(keys(moved), keys(first));
  });

  it('lists an entry in force that matched nothing as unused', () => {
    const { outcome } = applyExemptions(evaluateFindings(organization()), exemptions(`  - account: "*"
    user: breakglass
    rule: "*"
    reason: typo in the user name
    expires: 2030-01-01
`), organization(), DEFAULT_THRESHOLDS);
    assert.deepEqual(outcome.unused.map((entry) => [entry.declaredAt, entry.user]), [['line 2', 'breakglass']]);
  });
});

describe('the analysis with exemptions', () => {
  const file = exemptions(`  - account: "*"
    user: "*"
    rule: console-user-without-mfa
    reason: SSO migration, console users go next month
    expires: 2030-01-01
  - account: "*"
    user: nobody
    rule: "*"
    reason: stale
    expires: 2030-01-01
  - account: "*"
    user: old
    rule: "*"
    reason: gone
    expires: 2020-01-01
`);

  it('keeps muted findings out of --fail-on and the severity totals, and says how many were muted', () => {
    const withoutFile = analyseRun(organization(), DEFAULT_THRESHOLDS);
    assert.ok(reachesFailOn(withoutFile, 'critical'), 'alice signed in 3 days ago without MFA: critical');
    const analysis = analyseRun(organization(), DEFAULT_THRESHOLDS, undefined, undefined, file);
    assert.equal(reachesFailOn(analysis, 'critical'), false);
    assert.ok(reachesFailOn(analysis, 'high'));
    const text = formatAnalysis(analysis);
    assert.match(text, /^Findings: 0 critical, 3 high, 0 medium, 2 low \(1 more muted by exemptions\)\n/);
    assert.match(text, /Exemptions \(exemptions\.yaml\): 3 entries, 1 finding muted, 1 expired, 1 unused\n/);
    assert.match(text, /expired: line 12, account \*, user old, rule \*, on 2020-01-01/);
    assert.equal(analysis.exemptions?.unused[0].user, 'nobody');
    // The trend counts what is open, like the totals.
    assert.equal(analysis.history.entries.at(-1)?.findings.critical, 0);
  });

  it('compares with the previous run on the rules\' findings: muting, un-muting or an expiry is neither new nor resolved', () => {
    const previous = organization();
    const current = { ...organization(), runTimestamp: '20240707T120000Z', startedAt: '2024-07-07T12:00:00.000Z' };
    const analysis = analyseRun(current, DEFAULT_THRESHOLDS, previous, undefined, file);
    assert.ok(analysis.findings.some((finding) => finding.muted !== undefined));
    assert.ok(analysis.findings.some((finding) => finding.ruleId === 'exemption-expired'));
    assert.deepEqual(analysis.comparison?.newFindings, []);
    assert.deepEqual(analysis.comparison?.resolvedFindings, []);
  });

  it('without a file is what it always was', () => {
    const analysis = analyseRun(organization(), DEFAULT_THRESHOLDS);
    assert.equal(analysis.exemptions, undefined);
    assert.doesNotMatch(formatAnalysis(analysis), /muted|Exemptions/);
    assert.equal(RUN_STARTED_AT.slice(0, 10), TODAY);
  });
});

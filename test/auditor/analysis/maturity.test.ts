import { strict as assert } from 'assert';
import { assessMaturity, formatMaturity } from '../../../auditor/analysis/maturity';
import { accessKey, account, consoleUserWithMfa, daysAgo, hardwareRoot, notAudited, run, user } from '../../support/run-fixtures';

describe('assessMaturity', () => {
  it('counts the seed indicators org-wide and per account', () => {
    const summary = assessMaturity(run([
      account('111111111111', 'prod', { users: [consoleUserWithMfa('a'), user('b', { passwordEnabled: true }), user('svc', { accessKeys: [accessKey('AKIA1', { createdDate: daysAgo(200) }), accessKey('AKIA2')] })] }),
      account('222222222222', 'dev', { users: [consoleUserWithMfa('c'), consoleUserWithMfa('d')], root: hardwareRoot({ accessKeysActive: true, accessKeysPresent: 2 }) }),
    ]));
    assert.deepEqual(summary.organization.indicators, {
      consoleUsers: 4, consoleUsersWithMfa: 3, mfaCoveragePercent: 75, activeAccessKeys: 2, keysOlderThanMaxAge: 1, longTermCredentials: 4, rootAccessKeys: 2,
    });
    assert.equal(summary.organization.mfa.level, 'In Progress');
    assert.equal(summary.organization.temporaryCredentials.level, 'In Progress');
    const [prod, dev] = summary.accounts;
    assert.equal(prod.indicators.mfaCoveragePercent, 50);
    assert.equal(dev.mfa.level, 'Complete');
    assert.equal(dev.temporaryCredentials.level, 'In Progress');
    assert.match(dev.temporaryCredentials.reason, /2 root access key/);
  });

  it('is Complete only with every console user on MFA and no old key, Advanced without any key', () => {
    const complete = assessMaturity(run([account('111111111111', 'prod', { users: [consoleUserWithMfa('a'), user('svc', { accessKeys: [accessKey('AKIA1')] })] })]));
    assert.equal(complete.organization.mfa.level, 'Complete');
    assert.equal(complete.organization.temporaryCredentials.level, 'Complete');
    const advanced = assessMaturity(run([account('111111111111', 'prod', { users: [consoleUserWithMfa('a'), user('svc', { accessKeys: [accessKey('AKIA1', { status: 'Inactive' })] })] })]));
    assert.equal(advanced.organization.temporaryCredentials.level, 'Advanced');
    assert.notEqual(advanced.organization.mfa.level, 'Advanced');
  });

  it('never calls a scope Complete when an account was not seen, and Not Started when none was', () => {
    const blind = assessMaturity(run([account('111111111111', 'prod', { users: [consoleUserWithMfa('a')] }), notAudited('222222222222', 'dark', 'AssumeRole: AccessDenied')]));
    assert.equal(blind.organization.mfa.level, 'In Progress');
    assert.equal(blind.accounts[0].mfa.level, 'Complete');
    assert.equal(blind.accounts[1].mfa.level, 'Not Started');
    assert.equal(blind.accounts[1].temporaryCredentials.level, 'Not Started');
    const nothing = assessMaturity(run([notAudited('222222222222', 'dark', 'AssumeRole: AccessDenied')]));
    assert.equal(nothing.organization.mfa.level, 'Not Started');
    assert.equal(nothing.organization.indicators.mfaCoveragePercent, null);
  });

  it('leaves skipped accounts out and prints the levels', () => {
    const skipped = notAudited('333333333333', 'closed', '');
    skipped.coverage = { ...skipped.coverage, skipped: 'state', errors: [] };
    const summary = assessMaturity(run([account('111111111111', 'prod', { users: [user('b', { passwordEnabled: true })] }), skipped]), 30);
    assert.deepEqual(summary.accounts.map((entry) => entry.accountId), ['111111111111']);
    const text = formatMaturity(summary);
    assert.match(text, /console users with MFA: 0 of 1 \(0%\)/);
    assert.match(text, /older than 30 days/);
    assert.match(text, /Phase 1 MFA: In Progress/);
    assert.match(text, /111111111111 "prod": MFA In Progress/);
  });
});

import { strict as assert } from 'assert';
import { assessMaturity, formatMaturity } from '../../../auditor/analysis/maturity';
import { accessKey, account, consoleUserWithMfa, daysAgo, guardrails, guardrailVerdict, hardwareRoot, notAudited, run, user } from '../../support/run-fixtures';

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

  it('is Complete only with every console user on MFA and no old key, and not Advanced without a proven guardrail', () => {
    const complete = assessMaturity(run([account('111111111111', 'prod', { users: [consoleUserWithMfa('a'), user('svc', { accessKeys: [accessKey('AKIA1')] })] })]));
    assert.equal(complete.organization.mfa.level, 'Complete');
    assert.equal(complete.organization.temporaryCredentials.level, 'Complete');
    const noKeys = assessMaturity(run([account('222222222222', 'prod', { users: [consoleUserWithMfa('a'), user('svc', { accessKeys: [accessKey('AKIA1', { status: 'Inactive' })] })] })]));
    assert.equal(noKeys.organization.temporaryCredentials.level, 'Complete');
    assert.match(noKeys.organization.temporaryCredentials.reason, /no SCP in effect is proven to deny the creation of access keys/);
    assert.equal(noKeys.organization.mfa.level, 'Complete');
    assert.match(noKeys.organization.mfa.reason, /Advanced needs console sessions without MFA denied/);
  });

  it('is Advanced exactly where the SCPs in effect are proven to deny it, with nobody exempted', () => {
    const users = [consoleUserWithMfa('a'), user('svc', { accessKeys: [accessKey('AKIA1', { status: 'Inactive' })] })];
    const summary = assessMaturity(run([
      account('222222222222', 'guarded', { users, guardrails: guardrails() }),
      account('333333333333', 'exempted', { users, guardrails: guardrails({ noAccessKeys: guardrailVerdict('enforced', { exemptedUsers: ['svc'] }), consoleMfa: guardrailVerdict('enforced', { exemptedUsers: ['a'] }) }) }),
      account('444444444444', 'open', { users, guardrails: guardrails({ noAccessKeys: guardrailVerdict('not-enforced'), consoleMfa: guardrailVerdict('not-enforced') }) }),
      account('555555555555', 'keys', { users: [consoleUserWithMfa('a'), user('svc', { accessKeys: [accessKey('AKIA2')] })], guardrails: guardrails() }),
      account('666666666666', 'mfa gap', { users: [user('b', { passwordEnabled: true })], guardrails: guardrails() }),
    ], { managementAccountId: '111111111111' }));
    const levels = Object.fromEntries(summary.accounts.map((entry) => [entry.accountName, [entry.mfa.level, entry.temporaryCredentials.level]]));
    assert.deepEqual(levels, {
      guarded: ['Advanced', 'Advanced'],
      exempted: ['Complete', 'Complete'],
      open: ['Complete', 'Complete'],
      keys: ['Advanced', 'Complete'],
      'mfa gap': ['In Progress', 'Advanced'],
    });
    assert.match(summary.accounts[1].temporaryCredentials.reason, /except for 1 exempted user/);
    assert.match(summary.accounts[0].mfa.reason, /denied by SCP/);
    assert.equal(summary.organization.mfa.level, 'In Progress');
    const allGuarded = assessMaturity(run([account('222222222222', 'a', { users, guardrails: guardrails() }), account('333333333333', 'b', { users, guardrails: guardrails() })]));
    assert.equal(allGuarded.organization.mfa.level, 'Advanced');
    assert.equal(allGuarded.organization.temporaryCredentials.level, 'Advanced');
  });

  it('never calls the management account, or a scope holding it, Advanced', () => {
    const management = account('111111111111', 'management', { users: [consoleUserWithMfa('a')], guardrails: guardrails() });
    management.account = { ...management.account, isManagementAccount: true };
    const summary = assessMaturity(run([management, account('222222222222', 'member', { users: [consoleUserWithMfa('a')], guardrails: guardrails() })]));
    assert.deepEqual([summary.accounts[0].mfa.level, summary.accounts[0].temporaryCredentials.level], ['Complete', 'Complete']);
    assert.match(summary.accounts[0].mfa.reason, /management account is never covered by SCPs/);
    assert.deepEqual([summary.accounts[1].mfa.level, summary.accounts[1].temporaryCredentials.level], ['Advanced', 'Advanced']);
    assert.equal(summary.organization.mfa.level, 'Complete');
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

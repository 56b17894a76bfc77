import { strict as assert } from 'assert';
import { compareRuns, formatComparison, parsePreviousRun, PreviousReportError } from '../../auditor/compare';
import { accessKey, account, consoleUserWithMfa, daysAgo, notAudited, run, user } from './run-fixtures';

const PREVIOUS = run([
  account('111111111111', 'prod', {
    users: [
      user('alice', { passwordEnabled: true, passwordLastUsed: daysAgo(3) }),
      user('svc', { accessKeys: [accessKey('AKIAOLD', { createdDate: daysAgo(500) })] }),
    ],
  }),
  account('222222222222', 'dev', { users: [user('bob', { accessKeys: [accessKey('AKIADEV', { createdDate: daysAgo(500) })] })] }),
], { runTimestamp: '20240530T120000Z' });

const CURRENT = run([
  account('111111111111', 'prod', {
    users: [
      consoleUserWithMfa('alice'),
      user('svc', { accessKeys: [accessKey('AKIANEW')] }),
      user('carol', { passwordEnabled: true, passwordLastUsed: daysAgo(1) }),
    ],
  }),
  notAudited('222222222222', 'dev', 'AssumeRole: AccessDenied'),
]);

describe('compareRuns', () => {
  it('lists new and removed keys, users who gained MFA, new and resolved findings', () => {
    const comparison = compareRuns(parsePreviousRun(JSON.stringify(PREVIOUS), 'previous.json'), CURRENT);
    assert.equal(comparison.previousRunTimestamp, '20240530T120000Z');
    assert.deepEqual(comparison.newAccessKeys.map((key) => key.accessKeyId), ['AKIANEW']);
    // dev was not audited this time: its key is unknown, not removed, and its finding not resolved.
    assert.deepEqual(comparison.removedAccessKeys.map((key) => key.accessKeyId), ['AKIAOLD']);
    assert.deepEqual(comparison.usersWhoGainedMfa.map((change) => [change.userName, change.mfaType]), [['alice', 'SecurityKey']]);
    assert.deepEqual(comparison.newFindings.map((finding) => finding.key).sort(), [
      'account-not-audited|222222222222|222222222222',
      'console-user-without-mfa|111111111111|carol',
    ]);
    assert.deepEqual(comparison.resolvedFindings.map((finding) => finding.key).sort(), [
      'access-key-very-old|111111111111|svc/AKIAOLD',
      'console-user-without-mfa|111111111111|alice',
    ]);
    assert.match(formatComparison(comparison), /access keys: 1 new, 1 removed/);
  });
});

describe('parsePreviousRun', () => {
  it('accepts a JSON report with extra sections', () => {
    const parsed = parsePreviousRun(JSON.stringify({ ...PREVIOUS, summary: {}, findings: [] }), 'p.json');
    assert.equal(parsed.accounts.length, 2);
  });

  it('names the file and the problem for bad input', () => {
    assert.throws(() => parsePreviousRun('not json', 'old.json'), (error: unknown) => error instanceof PreviousReportError && /old\.json: not JSON/.test(error.message));
    assert.throws(() => parsePreviousRun(JSON.stringify({ ...PREVIOUS, schemaVersion: 99 }), 'old.json'), /schemaVersion 99 cannot be compared/);
    assert.throws(() => parsePreviousRun('[]', 'old.json'), /the file should be an object/);
    const broken = JSON.parse(JSON.stringify(PREVIOUS));
    broken.accounts[1].users[0].accessKeys[0].status = 'Gone';
    assert.throws(() => parsePreviousRun(JSON.stringify(broken), 'old.json'), /accounts\[1\]\.users\[0\]\.accessKeys\[0\]\.status should be one of/);
    const noDate = JSON.parse(JSON.stringify(PREVIOUS));
    noDate.accounts[0].users[0].createdDate = 'yesterday';
    assert.throws(() => parsePreviousRun(JSON.stringify(noDate), 'old.json'), /createdDate should be a date/);
  });
});

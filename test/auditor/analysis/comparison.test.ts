import { strict as assert } from 'assert';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { comparableRun, compareRuns, formatComparison, parsePreviousRun, PreviousReportError } from '../../../auditor/analysis/comparison';
import { readPreviousRunFile } from '../../../auditor/publish/previous-run';
import { accessKey, account, consoleUserWithMfa, daysAgo, notAudited, run, user } from '../../support/run-fixtures';

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

describe('compareRuns with the inventory', () => {
  const withInventory = run([
    account('111111111111', 'prod', {
      users: [user('svc', { accessKeys: [accessKey('AKIASVC', { createdDate: daysAgo(10) })] })],
      inventory: {
        users: [{ userName: 'svc', arn: 'arn:aws:iam::111111111111:user/svc', groups: [], attachedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }], inlinePolicies: [], permissionsBoundary: null }],
        groups: [],
        roles: [{ roleName: 'old', arn: 'arn:aws:iam::111111111111:role/old', path: '/', createdDate: daysAgo(400), trustPolicy: '{"Statement":[]}', lastUsed: null, attachedPolicies: [], inlinePolicies: [], permissionsBoundary: null }],
        policies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess', attachmentCount: 1, document: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }],
        passwordPolicy: 'none',
      },
    }),
  ], { runTimestamp: '20240530T120000Z' });

  it('an unchanged account shows no new finding: the previous run keeps the inventory its findings come from', () => {
    const previous = comparableRun(parsePreviousRun(JSON.stringify(withInventory), 'previous.json'));
    const comparison = compareRuns(previous, withInventory);
    assert.deepEqual(comparison.newFindings, []);
    assert.deepEqual(comparison.resolvedFindings, []);
    // The inventory's findings are there to compare: a policy detached later is resolved.
    const detached = run([{ ...withInventory.accounts[0], inventory: { ...withInventory.accounts[0].inventory!, users: [{ ...withInventory.accounts[0].inventory!.users[0], attachedPolicies: [] }] } }]);
    assert.deepEqual(compareRuns(previous, detached).resolvedFindings.map((finding) => finding.ruleId).sort(), ['admin-policy-attached', 'user-policy-attached-directly']);
  });

  it('names a malformed inventory record of the previous file', () => {
    const broken = JSON.parse(JSON.stringify(withInventory));
    broken.accounts[0].inventory.roles[0].lastUsed = 'never';
    assert.throws(() => parsePreviousRun(JSON.stringify(broken), 'old.json'), /old\.json: accounts\[0\]\.inventory\.roles\[0\]\.lastUsed should be a date or null/);
    const noPolicies = JSON.parse(JSON.stringify(withInventory));
    delete noPolicies.accounts[0].inventory.users[0].attachedPolicies;
    assert.throws(() => parsePreviousRun(JSON.stringify(noPolicies), 'old.json'), /inventory\.users\[0\]\.attachedPolicies should be an array/);
    const policy = JSON.parse(JSON.stringify(withInventory));
    policy.accounts[0].inventory.passwordPolicy = { minimumLength: '8' };
    assert.throws(() => parsePreviousRun(JSON.stringify(policy), 'old.json'), /inventory\.passwordPolicy\.minimumLength should be a number or null/);
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

describe('the previous run kept for the comparison', () => {
  const event = {
    eventId: 'e1', eventTime: daysAgo(2), eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', username: 'admin',
    accountId: '111111111111', accountName: 'prod', resources: ['svc', 'AKIAOLD'], sourceIPAddress: '192.0.2.1',
  };
  const withEvents = { ...PREVIOUS, accounts: PREVIOUS.accounts.map((audit) => ({ ...audit, events: [event] })) };

  it('drops the CloudTrail events and every section of the JSON report beyond the run', () => {
    const report = { ...withEvents, summary: { accounts: 2 }, findings: [{ ruleId: 'x' }], maturity: {}, thresholds: {} };
    const kept = comparableRun(parsePreviousRun(JSON.stringify(report), 'p.json'));
    assert.deepEqual(Object.keys(kept).sort(), ['accounts', 'cloudTrail', 'finishedAt', 'managementAccountId', 'partition', 'roleName', 'runTimestamp', 'schemaVersion', 'startedAt']);
    assert.ok(kept.accounts.every((audit) => audit.events.length === 0));
    assert.deepEqual(kept.accounts.map((audit) => audit.users), PREVIOUS.accounts.map((audit) => audit.users));
    assert.deepEqual(compareRuns(kept, CURRENT), compareRuns(PREVIOUS, CURRENT), 'the comparison is the same');
  });

  it('is what --compare reads from a file', async () => {
    const file = path.join(tmpdir(), `iam-audit-previous-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ ...withEvents, findings: [] }));
    const kept = await readPreviousRunFile(file).finally(() => rm(file, { force: true }));
    assert.equal(kept.accounts[0].events.length, 0);
    assert.equal('findings' in kept, false);
    assert.deepEqual(kept, comparableRun(PREVIOUS), 'streamed, it is the run the comparison keeps');
  });

  it('names the file when it is not JSON, ends early or is not a report', async () => {
    const file = path.join(tmpdir(), `iam-audit-previous-bad-${process.pid}.json`);
    const text = JSON.stringify(withEvents);
    try {
      for (const [content, expected] of [
        ['not json', /iam-audit-previous-bad-\d+\.json: not JSON/],
        [text.slice(0, text.length / 2), /iam-audit-previous-bad-\d+\.json: not JSON/],
        [JSON.stringify({ ...withEvents, schemaVersion: 99 }), /schemaVersion 99 cannot be compared/],
        ['[]', /the file should be an object/],
      ] as const) {
        await writeFile(file, content);
        await assert.rejects(readPreviousRunFile(file), (error: unknown) => error instanceof PreviousReportError && expected.test(error.message), content.slice(0, 20));
      }
    } finally {
      await rm(file, { force: true });
    }
  });
});

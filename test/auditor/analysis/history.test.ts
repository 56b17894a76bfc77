import { strict as assert } from 'assert';
import { evaluateFindings } from '../../../auditor/analysis/findings';
import { appendToHistory, emptyHistory, historyEntry, mergeHistories, parseHistory, serializeHistory, type HistoryEntry } from '../../../auditor/analysis/history';
import { assessMaturity } from '../../../auditor/analysis/maturity';
import { accessKey, account, daysAgo, run, user } from '../../support/run-fixtures';

function entry(runTimestamp: string, critical = 0): HistoryEntry {
  return { runTimestamp, startedAt: '2024-01-01T00:00:00.000Z', accountsInScope: 1, accountsAudited: 1, consoleUsers: 1, consoleUsersWithoutMfa: 0, activeAccessKeys: 0, keysOlderThanMaxAge: 0, findings: { critical, high: 0, medium: 0, low: 0 } };
}

describe('run history', () => {
  it('records the run KPIs', () => {
    const auditRun = run([account('111111111111', 'prod', { users: [user('a', { passwordEnabled: true, passwordLastUsed: daysAgo(1), accessKeys: [accessKey('AKIA1', { createdDate: daysAgo(100) })] })] })]);
    const recorded = historyEntry(auditRun, evaluateFindings(auditRun), assessMaturity(auditRun));
    assert.deepEqual(recorded, {
      runTimestamp: '20240630T120000Z', startedAt: auditRun.startedAt, accountsInScope: 1, accountsAudited: 1, consoleUsers: 1, consoleUsersWithoutMfa: 1, activeAccessKeys: 1, keysOlderThanMaxAge: 1,
      findings: { critical: 1, high: 0, medium: 1, low: 0 },
    });
  });

  it('keeps runs in order, replaces a re-run and drops the oldest beyond the cap', () => {
    let history = emptyHistory();
    for (const timestamp of ['20240301T000000Z', '20240101T000000Z', '20240201T000000Z']) history = appendToHistory(history, entry(timestamp), 2);
    assert.deepEqual(history.entries.map((item) => item.runTimestamp), ['20240201T000000Z', '20240301T000000Z']);
    history = appendToHistory(history, entry('20240301T000000Z', 7), 2);
    assert.deepEqual(history.entries.map((item) => [item.runTimestamp, item.findings.critical]), [['20240201T000000Z', 0], ['20240301T000000Z', 7]]);
  });

  it('merges two copies into every entry of either, one per run, in order, within the cap', () => {
    const local = { version: 1, entries: [entry('20240101T000000Z'), entry('20240301T000000Z')] };
    const bucket = { version: 1, entries: [entry('20240201T000000Z'), entry('20240301T000000Z'), entry('20240401T000000Z')] };
    assert.deepEqual(mergeHistories(local, bucket).entries.map((item) => item.runTimestamp), ['20240101T000000Z', '20240201T000000Z', '20240301T000000Z', '20240401T000000Z']);
    assert.deepEqual(mergeHistories(bucket, local, 2).entries.map((item) => item.runTimestamp), ['20240301T000000Z', '20240401T000000Z']);
  });

  it('round-trips and refuses a damaged file with its name', () => {
    const history = appendToHistory(emptyHistory(), entry('20240101T000000Z'));
    assert.deepEqual(parseHistory(serializeHistory(history), 'h.json'), history);
    assert.throws(() => parseHistory('{', 'h.json'), /h\.json: not JSON/);
    assert.throws(() => parseHistory('{"version":2,"entries":[]}', 'h.json'), /not a run history of version 1/);
    assert.throws(() => parseHistory(JSON.stringify({ version: 1, entries: [{ ...entry('x'), findings: { critical: -1 } }] }), 'h.json'), /entries\[0\]/);
  });
});

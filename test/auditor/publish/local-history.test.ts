// history.json in a directory several runs write into: each run's entry merged under the lock.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HistoryEntry } from '../../../auditor/analysis/history';
import { saveHistoryToDirectory } from '../../../auditor/publish/previous-run';

function entry(runTimestamp: string, runId: string): HistoryEntry {
  return { runTimestamp, runId, startedAt: '2024-03-01T12:00:00.000Z', accountsInScope: 1, accountsAudited: 1, consoleUsers: 0, consoleUsersWithoutMfa: 0, activeAccessKeys: 0, keysOlderThanMaxAge: 0, findings: { critical: 0, high: 0, medium: 0, low: 0 } };
}

describe('the local run history', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-history-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('keeps the entry of every run that saves at once, even runs of the same second', async () => {
    const ids = ['000001', '000002', '000003', '000004', '000005', '000006'];
    // Each run saves the history it read before the others wrote: its own entry only.
    await Promise.all(ids.map((id) => saveHistoryToDirectory(directory, { version: 1, entries: [entry('20240301T120000Z', id)] })));
    const saved = JSON.parse(await readFile(path.join(directory, 'history.json'), 'utf8')) as { entries: HistoryEntry[] };
    assert.deepEqual(saved.entries.map((kept) => kept.runId), ids);
    assert.deepEqual((await readdir(directory)).sort(), ['history.json']);
  });

  it('leaves a damaged file as it is', async () => {
    await writeFile(path.join(directory, 'history.json'), '{"version": 1, "entries": [{"nope": true}]}');
    await assert.rejects(saveHistoryToDirectory(directory, { version: 1, entries: [entry('20240301T120000Z', 'abcdef')] }), /entries\[0\] is not a run history entry/);
    assert.equal(await readFile(path.join(directory, 'history.json'), 'utf8'), '{"version": 1, "entries": [{"nope": true}]}');
  });
});

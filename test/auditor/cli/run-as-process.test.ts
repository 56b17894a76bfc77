// SIGTERM and SIGINT in the middle of a run, sent to the real command in a process of its own
// (test/support/simulated-audit-process.ts), as ECS stops a task.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ACCOUNT_COUNT, STUCK_ACCOUNT } from '../../support/simulated-audit-process';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(REPO, 'test', 'support', 'simulated-audit-process.ts');

interface Finished {
  code: number | null;
  stderr: string;
  /** From the stop signal to the process's end. */
  afterSignalMs: number;
}

/**
 * Starts the command, sends `signals` once `[3/` shows (three accounts done), 300 ms apart (signals
 * sent together may arrive as one), and waits for its end.
 */
function runAndStop(outDir: string, signals: NodeJS.Signals[], extraArgs: string[] = []): Promise<Finished> {
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', SCRIPT, '--role', 'Audit', '--out-dir', outDir, '--concurrency', '2', '--no-cloudtrail', ...extraArgs], {
    cwd: REPO,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let signalledAt = 0;
  return new Promise((resolve, reject) => {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      if (signalledAt === 0 && stderr.includes('[3/')) {
        signalledAt = Date.now();
        signals.forEach((signal, index) => setTimeout(() => child.kill(signal), index * 300));
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr, afterSignalMs: Date.now() - signalledAt }));
  });
}

describe('the command stopped by a signal', function () {
  this.timeout(120_000);
  let outDir: string;
  beforeEach(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-stop-'));
  });
  afterEach(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('on SIGTERM writes every report for what was collected, lists the unfinished accounts and exits 1 within the grace', async () => {
    const finished = await runAndStop(outDir, ['SIGTERM'], ['--stop-grace', '2']);
    assert.equal(finished.code, 1, finished.stderr);
    // Two seconds of grace, then the analysis and the reports of 30 small accounts.
    assert.ok(finished.afterSignalMs < 10_000, `exited ${finished.afterSignalMs} ms after the signal`);
    assert.match(finished.stderr, /SIGTERM: stopping; no more accounts start/);
    const files = await readdir(outDir);
    for (const stem of ['iam_audit_report_', 'root_audit_report_', 'cloudtrail_events_', 'coverage_', 'findings_']) {
      assert.ok(files.some((name) => name.startsWith(stem)), `${stem} written`);
    }
    assert.deepEqual(files.filter((name) => name.endsWith('.tmp')), []);
    const coverageFile = files.find((name) => name.startsWith('coverage_')) ?? '';
    const coverage = parse(await readFile(path.join(outDir, coverageFile), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(coverage.length, ACCOUNT_COUNT);
    const stopped = coverage.filter((row) => row.error === 'run stopped');
    assert.ok(stopped.some((row) => row.account_id === STUCK_ACCOUNT), 'the account stuck in flight is listed');
    for (const row of stopped) assert.equal(row.audited, 'no');
    assert.ok(stopped.length >= ACCOUNT_COUNT - 10, `${stopped.length} accounts listed as run stopped`);
    assert.equal(coverage.filter((row) => row.audited === 'yes').length + stopped.length, ACCOUNT_COUNT);
    assert.match(finished.stderr, new RegExp(`stopped: the reports hold what was collected; ${stopped.length} accounts not finished are listed in coverage as "run stopped"`));
  });

  it('on a second signal exits at once, leaving no temporary file', async () => {
    const finished = await runAndStop(outDir, ['SIGINT', 'SIGINT'], ['--stop-grace', '60']);
    assert.equal(finished.code, 1, finished.stderr);
    assert.ok(finished.afterSignalMs < 5_000, `exited ${finished.afterSignalMs} ms after the signals, not after the 60 s grace`);
    assert.match(finished.stderr, /SIGINT again: exiting at once/);
    assert.deepEqual((await readdir(outDir)).filter((name) => name.endsWith('.tmp')), []);
  });
});

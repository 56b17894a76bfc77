// SIGTERM and SIGINT in the middle of a run, sent to the real command in a process of its own
// (test/support/simulated-audit-process.ts), as ECS stops a task.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { ACCOUNT_COUNT, REPORTS_BUCKET, STUCK_ACCOUNT } from '../../support/simulated-audit-process';

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
function runAndStop(outDir: string, signals: NodeJS.Signals[], extraArgs: string[] = [], env: Record<string, string> = {}): Promise<Finished> {
  const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', SCRIPT, '--role', 'Audit', '--out-dir', outDir, '--concurrency', '2', '--no-cloudtrail', ...extraArgs], {
    cwd: REPO,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json'), ...env },
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

/** Starts the command and waits for its end, without a signal. */
function runToEnd(outDir: string, extraArgs: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', SCRIPT, '--role', 'Audit', '--out-dir', outDir, '--concurrency', '16', '--no-cloudtrail', ...extraArgs], {
    cwd: REPO,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('two runs into one directory started together', function () {
  this.timeout(120_000);
  let outDir: string;
  before(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-together-'));
  });
  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('keeps the reports of both, each under its own name, and both runs in history.json', async () => {
    // Both processes take the same clock (12:00:00 on 1 March 2024): the same second, the same timestamp.
    const [first, second] = await Promise.all([0, 1].map(() => runToEnd(outDir, ['--exclude-accounts', STUCK_ACCOUNT])));
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const files = await readdir(outDir);
    const names = [...new Set(files.map((name) => /^coverage_(20240301T120000Z-[0-9a-f]{6})\.csv$/.exec(name)?.[1]).filter((name): name is string => name !== undefined))];
    assert.equal(names.length, 2, files.join(', '));
    for (const name of names) {
      for (const file of [`iam_audit_report_${name}.csv`, `root_audit_report_${name}.csv`, `cloudtrail_events_${name}.csv`, `findings_${name}.csv`, `iam_audit_findings_${name}.ocsf.json`, `iam_audit_${name}.html`, `iam_audit_${name}.json`, `iam_audit_${name}.xlsx`]) {
        assert.ok(files.includes(file), `${file} kept`);
      }
    }
    // Each run names its own dashboard.
    const dashboards = [first, second].map((run) => /dashboard (\S+\.html)/.exec(run.stderr)?.[1]);
    assert.ok(dashboards.every((dashboard) => dashboard !== undefined), first.stderr);
    assert.notEqual(dashboards[0], dashboards[1]);
    const history = JSON.parse(await readFile(path.join(outDir, 'history.json'), 'utf8')) as { entries: { runTimestamp: string; runId?: string }[] };
    assert.deepEqual(history.entries.map((entry) => `${entry.runTimestamp}-${entry.runId}`).sort(), [...names].sort());
    assert.deepEqual(files.filter((name) => name.endsWith('.tmp') || name.endsWith('.lock')), []);
  });
});

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

  /** Every local report of the run and the history, read back. */
  async function assertLocalReportsAndHistory(): Promise<void> {
    const files = await readdir(outDir);
    for (const stem of ['iam_audit_report_', 'root_audit_report_', 'cloudtrail_events_', 'coverage_', 'findings_', 'iam_audit_findings_']) {
      assert.ok(files.some((name) => name.startsWith(stem)), `${stem} written: ${files.join(', ')}`);
    }
    for (const extension of ['.html', '.json', '.xlsx']) assert.ok(files.some((name) => name.startsWith('iam_audit_') && name.endsWith(extension)), `the ${extension} report written`);
    const history = JSON.parse(await readFile(path.join(outDir, 'history.json'), 'utf8')) as { entries: { runTimestamp: string }[] };
    assert.equal(history.entries.length, 1, 'the run has its entry in the local history');
    assert.deepEqual(files.filter((name) => name.endsWith('.tmp')), []);
  }

  it('on SIGTERM with S3 reads never answered abandons them, says so in the summary, and writes every local report and the history within the grace', async () => {
    const finished = await runAndStop(outDir, ['SIGTERM'], ['--stop-grace', '2', '--s3-uri', `s3://${REPORTS_BUCKET}/audit`], { SIMULATED_FAULTS: 's3-read-hang' });
    assert.equal(finished.code, 1, finished.stderr);
    assert.ok(finished.afterSignalMs < 12_000, `exited ${finished.afterSignalMs} ms after the signal`);
    await assertLocalReportsAndHistory();
    assert.match(finished.stderr, /not compared with the previous run \(abandoned: the run was stopped \(SIGTERM\)\)/);
    assert.match(finished.stderr, /run history: s3:\/\/reports\/audit\/history\.json not read \(abandoned: the run was stopped \(SIGTERM\)\), so left as it is/);
  });

  it('on SIGTERM with uploads never answered writes every local report and the history first, and gives the uploads only what is left before the task is killed', async () => {
    const finished = await runAndStop(outDir, ['SIGTERM'], ['--stop-grace', '2', '--s3-uri', `s3://${REPORTS_BUCKET}/audit`], { SIMULATED_FAULTS: 's3-upload-hang', SIMULATED_STOP_BUDGET_MS: '6000' });
    assert.equal(finished.code, 1, finished.stderr);
    // The budget is counted from the signal: the grace and the local reports came out of it, so
    // the process ends about 6 s after the signal, not 120 s a file.
    assert.ok(finished.afterSignalMs < 14_000, `exited ${finished.afterSignalMs} ms after the signal`);
    assert.ok(finished.afterSignalMs > 5_000, `the uploads were given their budget (${finished.afterSignalMs} ms)`);
    await assertLocalReportsAndHistory();
    assert.match(finished.stderr, /could not write s3:\/\/reports\/audit\/2024\/03\/01\/[^ ]+\/iam_audit_report_[^ ]+\.csv: StopDeadlinePassed: the run was stopped and its 6 s before the task is killed ran out/);
    assert.match(finished.stderr, /could not write s3:\/\/[^ ]+\/iam_audit_[^ ]+\.xlsx: not uploaded: the run was stopped and its 6 s before the task is killed ran out/);
  });

  it('exits as soon as its reports are written while a given-up account is still unwinding', async () => {
    // The stuck account's cut call holds the process for ten minutes: only the exit ends it.
    const finished = await runAndStop(outDir, ['SIGTERM'], ['--stop-grace', '1'], { SIMULATED_FAULTS: 'slow-unwinding' });
    assert.equal(finished.code, 1, finished.stderr);
    assert.ok(finished.afterSignalMs < 10_000, `exited ${finished.afterSignalMs} ms after the signal`);
    await assertLocalReportsAndHistory();
    const coverageFile = (await readdir(outDir)).find((name) => name.startsWith('coverage_')) ?? '';
    const coverage = parse(await readFile(path.join(outDir, coverageFile), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(coverage.find((row) => row.account_id === STUCK_ACCOUNT)?.error, 'run stopped');
  });
});

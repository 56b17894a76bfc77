// `npm run demo` as the process a newcomer starts (bin/iam-audit-demo.js), stopped with SIGTERM or
// Ctrl-C's SIGINT in the middle of its run: the command's graceful stop writes the reports, the
// process exits with the stopped run's code and leaves nothing in the temporary directory.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXIT_USAGE_OR_SETUP } from '../../auditor/values/exit-codes';
import { ENV_DEMO_LATENCY } from '../../simulator/demo';

const REPO = path.resolve(__dirname, '..', '..');

/** Starts the demo, sends `signal` once the first account is done, and waits for its end. */
function runDemoAndStop(outDir: string, tmpDir: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; signalled: boolean }> {
  // Slow calls, one account at a time: the run is still going when the signal arrives.
  const child = spawn(process.execPath, [path.join('bin', 'iam-audit-demo.js'), '--out-dir', outDir, '--concurrency', '1'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: tmpDir, [ENV_DEMO_LATENCY]: '100' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let signalled = false;
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (!signalled && stderr.includes('[1/')) {
        signalled = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr, signalled }));
  });
}

describe('npm run demo stopped by a signal', function () {
  this.timeout(180_000);
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-demo-stop-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} writes the reports for what was collected, exits 1 and leaves no temporary folder`, async () => {
      const outDir = path.join(scratch, 'demo-output');
      const tmpDir = path.join(scratch, 'tmp');
      await mkdir(tmpDir);
      const finished = await runDemoAndStop(outDir, tmpDir, signal);
      assert.ok(finished.signalled, finished.stderr);
      assert.equal(finished.code, EXIT_USAGE_OR_SETUP, finished.stderr);
      assert.match(finished.stderr, new RegExp(`${signal}: stopping; no more accounts start`));
      assert.match(finished.stderr, /stopped: the reports hold what was collected/);
      const files = await readdir(outDir);
      for (const pattern of [/^iam_audit_\d{8}T\d{6}Z-[0-9a-f]{6}\.html$/, /^iam_audit_\d{8}T\d{6}Z-[0-9a-f]{6}\.json$/, /^coverage_.*\.csv$/, /^findings_.*\.csv$/, /^history\.json$/]) {
        assert.ok(files.some((file) => pattern.test(file)), `${pattern} among ${files.join(', ')}`);
      }
      assert.deepEqual(files.filter((name) => name.endsWith('.tmp')), []);
      // Node keeps its module compile cache under TMPDIR: only the demo's own folders must be gone.
      assert.deepEqual((await readdir(tmpDir)).filter((name) => name.startsWith('iam-audit')), []);
      assert.match(finished.stderr, /This was a simulated organization; exit code 1: the run was stopped/);
    });
  }
});

// No command prints a warning of Node's or of a dependency's (`process.emitWarning`, like the AWS
// SDK's NodeVersionSupportWarning on a Node it no longer supports): the commands run as a user
// starts them, on the Node that runs the tests (CI's: Node 24).
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

const REPO = path.resolve(__dirname, '..', '..');

/** What Node prints for an emitted warning: `(node:1234) SomeWarning: ...`, or the SDK's name in it. */
const NODE_WARNING = /\(node:\d+\)|Warning:|NodeVersionSupportWarning/;

function runNode(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Without the caller's NODE_OPTIONS (which could hide warnings) and AWS_* settings.
  const result = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Node warnings', function () {
  this.timeout(120_000);

  it('the pattern recognises the warning Node prints for process.emitWarning', () => {
    const emitted = runNode(['-e', "process.emitWarning('NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) ...')"]);
    assert.match(emitted.stderr, NODE_WARNING);
  });

  it('`node bin/iam-audit.js --help` prints none', () => {
    const result = runNode([path.join('bin', 'iam-audit.js'), '--help']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Usage: iam-audit/);
    assert.doesNotMatch(result.stderr, NODE_WARNING);
  });

  it('a simulated run through the real entry (the demo: the SDK clients are created and called) prints none', () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'iam-audit-warnings-'));
    try {
      const result = runNode([path.join('bin', 'iam-audit-demo.js'), '--out-dir', outDir]);
      // Whatever its exit code (the demo organization is made to be incomplete), the run ran through.
      assert.notEqual(result.status, null, result.stderr);
      assert.ok(readdirSync(outDir).some((name) => name.endsWith('.html')), 'the run wrote its dashboard');
      assert.match(result.stderr, /Findings: /);
      assert.doesNotMatch(result.stderr, NODE_WARNING);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

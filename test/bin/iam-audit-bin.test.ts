import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

const REPO = path.resolve(__dirname, '..', '..');

function runBin(binPath: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('iam-audit binary', () => {
  it('runs the command from a checkout and exits with its code', function () {
    this.timeout(60_000);
    const result = runBin(path.join(REPO, 'bin', 'iam-audit.js'), ['--help']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Usage: iam-audit/);
    const unknown = runBin(path.join(REPO, 'bin', 'iam-audit.js'), ['--no-such-flag']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
  });

  describe('choosing between the build and the sources', () => {
    let root: string;
    const compiled = () => path.join(root, 'dist', 'auditor', 'cli', 'audit-command.js');

    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'iam-audit-bin-'));
      mkdirSync(path.join(root, 'bin'));
      mkdirSync(path.join(root, 'auditor', 'cli'), { recursive: true });
      mkdirSync(path.join(root, 'dist', 'auditor', 'cli'), { recursive: true });
      copyFileSync(path.join(REPO, 'bin', 'iam-audit.js'), path.join(root, 'bin', 'iam-audit.js'));
      copyFileSync(path.join(REPO, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
      symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
      writeFileSync(path.join(root, 'auditor', 'cli', 'audit-command.ts'), "export async function main(): Promise<number> { process.stdout.write('sources'); return 0; }\n");
      writeFileSync(compiled(), "exports.main = async () => { process.stdout.write('compiled'); return 0; };\n");
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('uses the build when it is newer than every source', function () {
      this.timeout(60_000);
      const later = new Date(Date.now() + 60_000);
      utimesSync(compiled(), later, later);
      assert.equal(runBin(path.join(root, 'bin', 'iam-audit.js'), []).stdout, 'compiled');
    });

    it('runs the sources when a source changed after the build', function () {
      this.timeout(60_000);
      const earlier = new Date(Date.now() - 60_000);
      utimesSync(compiled(), earlier, earlier);
      assert.equal(runBin(path.join(root, 'bin', 'iam-audit.js'), []).stdout, 'sources');
    });
  });
});

import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
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

  it("keeps the compiled modules in Node's compile cache (NODE_COMPILE_CACHE names its directory)", function () {
    this.timeout(60_000);
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'iam-audit-compile-cache-'));
    try {
      const result = spawnSync(process.execPath, [path.join(REPO, 'bin', 'iam-audit.js'), '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: cacheDir } });
      assert.equal(result.status, 0, result.stderr);
      // One directory per Node version, holding one file per module compiled.
      const versions = readdirSync(cacheDir);
      assert.equal(versions.length, 1);
      assert.ok(readdirSync(path.join(cacheDir, versions[0])).length > 10, 'the modules of --help are cached');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  describe('choosing between the build and the sources', () => {
    let root: string;
    const compiled = () => path.join(root, 'dist', 'auditor', 'cli', 'run-as-process.js');

    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'iam-audit-bin-'));
      mkdirSync(path.join(root, 'bin'));
      mkdirSync(path.join(root, 'auditor', 'cli'), { recursive: true });
      mkdirSync(path.join(root, 'dist', 'auditor', 'cli'), { recursive: true });
      copyFileSync(path.join(REPO, 'bin', 'iam-audit.js'), path.join(root, 'bin', 'iam-audit.js'));
      copyFileSync(path.join(REPO, 'bin', 'built-entry.js'), path.join(root, 'bin', 'built-entry.js'));
      copyFileSync(path.join(REPO, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
      symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
      writeFileSync(path.join(root, 'auditor', 'cli', 'run-as-process.ts'), "export function runAsProcess(): void { process.stdout.write('sources'); }\n");
      writeFileSync(compiled(), "exports.runAsProcess = () => { process.stdout.write('compiled'); };\n");
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('uses the build when it is newer than every source', function () {
      this.timeout(60_000);
      const later = new Date(Date.now() + 60_000);
      utimesSync(compiled(), later, later);
      const result = runBin(path.join(root, 'bin', 'iam-audit.js'), []);
      assert.equal(result.stdout, 'compiled');
      assert.equal(result.stderr, '');
    });

    it('runs the sources, and says why and how to rebuild, when there is no build', function () {
      this.timeout(60_000);
      rmSync(compiled());
      const result = runBin(path.join(root, 'bin', 'iam-audit.js'), []);
      assert.equal(result.stdout, 'sources');
      assert.match(result.stderr, /^iam-audit: there is no build in dist\/; running the TypeScript sources instead .*npm run build/);
    });

    it('runs the sources when a source changed after the build', function () {
      this.timeout(60_000);
      const earlier = new Date(Date.now() - 60_000);
      utimesSync(compiled(), earlier, earlier);
      const result = runBin(path.join(root, 'bin', 'iam-audit.js'), []);
      assert.equal(result.stdout, 'sources');
      assert.match(result.stderr, /auditor\/cli\/run-as-process\.ts changed after the build in dist\//);
    });

    it('counts the simulator (the demo) among the sources of the build', function () {
      this.timeout(60_000);
      mkdirSync(path.join(root, 'simulator'));
      writeFileSync(path.join(root, 'simulator', 'demo.ts'), 'export {};\n');
      const now = new Date();
      const earlier = new Date(now.getTime() - 60_000);
      utimesSync(path.join(root, 'auditor', 'cli', 'run-as-process.ts'), earlier, earlier);
      utimesSync(compiled(), new Date(now.getTime() - 30_000), new Date(now.getTime() - 30_000));
      const result = runBin(path.join(root, 'bin', 'iam-audit.js'), []);
      assert.equal(result.stdout, 'sources');
      assert.match(result.stderr, /simulator\/demo\.ts changed after the build/);
    });
  });
});

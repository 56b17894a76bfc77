import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');

/**
 * What `--help` may load, counted from the process entry (cli/run-as-process.ts, which
 * bin/iam-audit.js and the bundle start): commander, the flag definitions and the values they
 * read. 29 files when this bound was set; every report writer, the exemptions format (yaml) or an
 * SDK client would add tens to hundreds (the writers and exceljs were 787 more).
 */
const MAX_HELP_MODULES = 40;

/** The files (node_modules and ours) that `argv` loads through the process entry, ts-node's own left out. */
function modulesLoadedBy(argv: readonly string[]): string[] {
  const script = `
    require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(path.join(REPO, 'tsconfig.json'))} });
    const before = new Set(Object.keys(require.cache));
    const { runAsProcess } = require(${JSON.stringify(path.join(REPO, 'auditor', 'cli', 'run-as-process.ts'))});
    process.on('exit', () => {
      const loaded = Object.keys(require.cache).filter((file) => !before.has(file));
      require('node:fs').writeSync(1, JSON.stringify(loaded));
    });
    runAsProcess(${JSON.stringify(argv)}, { stdout: () => undefined, stderr: () => undefined, env: {} });`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: REPO });
  assert.equal(child.status, 0, child.stderr);
  return (JSON.parse(child.stdout) as string[]).map((file) => path.relative(REPO, file));
}

describe('start-up: what --help loads', () => {
  it(`loads at most ${MAX_HELP_MODULES} modules from the process entry, none of them a report writer, the exemptions format or the AWS SDK`, function () {
    this.timeout(60_000);
    const loaded = modulesLoadedBy(['--help']);
    assert.ok(loaded.length <= MAX_HELP_MODULES, `--help loaded ${loaded.length} modules (bound ${MAX_HELP_MODULES}):\n${loaded.join('\n')}`);
    const heavy = loaded.filter((file) => /node_modules[\\/](exceljs|@aws-sdk|@smithy|yaml|minimatch|csv-stringify|csv-parse|stream-json)[\\/]/.test(file));
    assert.deepEqual(heavy, []);
    // The sinks' own file type (report-file.ts) is all of reports/ the entry needs, to remove temporary files on exit.
    assert.deepEqual(loaded.filter((file) => file.startsWith(`auditor${path.sep}reports${path.sep}`)), [path.join('auditor', 'reports', 'report-file.ts')]);
    assert.ok(loaded.includes(path.join('auditor', 'cli', 'audit-command.ts')), 'the count is of the real entry');
  });
});

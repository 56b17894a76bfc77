import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { LEFTOVER_AFTER_MS, prepareOutputDirectory, removeLeftoverTemporaryFiles, writeReportsToDirectory } from '../../../../auditor/publish/sinks/local';
import { auditRunFixture, RUN_TIMESTAMP } from '../../../support/audit-run-fixture';
import { textReports } from '../../../support/report-files';

describe('local directory sink', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-local-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates the directory and writes every report with the one run timestamp, leaving no temp files', async () => {
    const directory = path.join(scratch, 'nested', 'output');
    const files = textReports(auditRunFixture());
    const outcome = await writeReportsToDirectory(directory, files);
    assert.deepEqual(outcome.failed, []);
    const names = (await readdir(directory)).sort();
    assert.deepEqual(names, files.map((file) => file.fileName).sort());
    assert.ok(names.every((name) => name.includes(`_${RUN_TIMESTAMP}.`)));
    for (const file of files) assert.equal(await readFile(path.join(directory, file.fileName), 'utf8'), file.body);
    assert.deepEqual(
      outcome.written.map((written) => written.location),
      files.map((file) => path.join(directory, file.fileName)),
    );
  });

  it('replaces an existing report of the same name', async () => {
    const [file] = textReports(auditRunFixture());
    await writeFile(path.join(scratch, file.fileName), 'stale');
    await writeReportsToDirectory(scratch, [file]);
    assert.equal(await readFile(path.join(scratch, file.fileName), 'utf8'), file.body);
  });

  it('says which file failed and why, and still writes the others', async () => {
    const files = textReports(auditRunFixture());
    // A directory where a report should go makes that one rename fail.
    await rm(scratch, { recursive: true, force: true });
    await prepareOutputDirectory(path.join(scratch, files[1].fileName));
    const outcome = await writeReportsToDirectory(scratch, files);
    assert.deepEqual(
      outcome.failed.map((failure) => failure.fileName),
      [files[1].fileName],
    );
    assert.match(outcome.failed[0].reason, /EISDIR|EEXIST|ENOTEMPTY|EPERM|directory/i);
    assert.equal(outcome.written.length, files.length - 1);
    assert.ok(!(await readdir(scratch)).some((name) => name.endsWith('.tmp')));
  });

  it('reports every file as failed when the directory cannot be created', async () => {
    const blocker = path.join(scratch, 'a-file');
    await writeFile(blocker, 'not a directory');
    const files = textReports(auditRunFixture());
    const outcome = await writeReportsToDirectory(path.join(blocker, 'output'), files);
    assert.equal(outcome.written.length, 0);
    assert.equal(outcome.failed.length, files.length);
    assert.match(outcome.failed[0].reason, /cannot create directory/);
    await assert.rejects(prepareOutputDirectory(path.join(blocker, 'output')));
  });

  it('creates a missing directory one level at a time under the first existing ancestor', async () => {
    const directory = path.join(scratch, 'a', 'b', 'c');
    await prepareOutputDirectory(directory);
    assert.deepEqual(await readdir(path.join(scratch, 'a', 'b')), ['c']);
  });

  it('refuses a directory under /proc at once instead of looping in mkdir', async function () {
    if (process.platform !== 'linux') this.skip();
    const started = Date.now();
    await assert.rejects(prepareOutputDirectory('/proc/nope/reports'), /\/proc is on the kernel's proc filesystem/);
    await assert.rejects(prepareOutputDirectory('/sys/nope'), /\/sys is on the kernel's sysfs filesystem/);
    // A loop would never return; this only guards against the probe turning slow.
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses a path whose ancestor is a file', async () => {
    const blocker = path.join(scratch, 'a-file');
    await writeFile(blocker, 'not a directory');
    await assert.rejects(prepareOutputDirectory(path.join(blocker, 'x', 'y')), /a-file is not a directory/);
  });

  it('removes the temporary files dead runs left, and only those', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const now = Date.now();
    const old = new Date(now - 2 * 60 * 1000);
    const ancient = new Date(now - LEFTOVER_AFTER_MS - 60 * 1000);
    const files: Record<string, Date> = {
      [`.iam_audit_report_20240301T000000Z.csv.${deadPid}.0123abcd.tmp`]: old, // dead writer, idle 2 min: removed
      [`.coverage_20240301T000000Z.csv.${deadPid}.89abcdef.tmp`]: new Date(now), // dead writer, just touched: kept
      [`.iam_audit_20240301T000000Z.json.${process.ppid}.00000000.tmp`]: old, // a live process: kept
      [`.iam_audit_20240301T000000Z.html.${process.ppid}.11111111.tmp`]: ancient, // idle over an hour: removed
      [`notes.${deadPid}.0123abcd.tmp`]: ancient, // not our naming: kept
      [`.report.csv.${deadPid}.xyz.tmp`]: ancient, // not our naming: kept
    };
    for (const [name, time] of Object.entries(files)) {
      await writeFile(path.join(scratch, name), 'partial');
      await utimes(path.join(scratch, name), time, time);
    }
    const removed = await removeLeftoverTemporaryFiles(scratch, now);
    assert.deepEqual(removed.sort(), [`.iam_audit_20240301T000000Z.html.${process.ppid}.11111111.tmp`, `.iam_audit_report_20240301T000000Z.csv.${deadPid}.0123abcd.tmp`].sort());
    assert.deepEqual((await readdir(scratch)).sort(), Object.keys(files).filter((name) => !removed.includes(name)).sort());
  });
});

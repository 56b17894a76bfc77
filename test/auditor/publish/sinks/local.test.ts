import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildReportFiles } from '../../../../auditor/reports';
import { prepareOutputDirectory, writeReportsToDirectory } from '../../../../auditor/publish/sinks/local';
import { auditRunFixture, RUN_TIMESTAMP } from '../../../support/audit-run-fixture';

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
    const files = buildReportFiles(auditRunFixture());
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
    const [file] = buildReportFiles(auditRunFixture());
    await writeFile(path.join(scratch, file.fileName), 'stale');
    await writeReportsToDirectory(scratch, [file]);
    assert.equal(await readFile(path.join(scratch, file.fileName), 'utf8'), file.body);
  });

  it('says which file failed and why, and still writes the others', async () => {
    const files = buildReportFiles(auditRunFixture());
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
    const files = buildReportFiles(auditRunFixture());
    const outcome = await writeReportsToDirectory(path.join(blocker, 'output'), files);
    assert.equal(outcome.written.length, 0);
    assert.equal(outcome.failed.length, files.length);
    assert.match(outcome.failed[0].reason, /cannot create directory/);
    await assert.rejects(prepareOutputDirectory(path.join(blocker, 'output')));
  });
});

import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildAuditCommand } from '../../../auditor/cli/audit-command';
import { readAuditConfig } from '../../../auditor/cli/audit-config';
import { readMergeConfig } from '../../../auditor/cli/merge-command';
import { DEFAULT_OUT_DIR, type DestinationConfig } from '../../../auditor/cli/destination-flags';
import { ConfigError, type Environment } from '../../../auditor/values/parsers';

// --profile, --out-dir, --s3-uri and --run-time are declared once (cli/destination-flags.ts) for the
// audit and for merge: the same parsers, default, environment variables and checks for both.

function parsed(argv: string[]): Command {
  const command = buildAuditCommand().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  command.parse(argv, { from: 'user' });
  return command;
}

function merge(command: Command): Command {
  const found = command.commands.find((sub) => sub.name() === 'merge');
  assert.ok(found);
  return found;
}

function destinationOf(config: DestinationConfig): DestinationConfig {
  const { profile, outDir, s3, runTime } = config;
  return { ...(profile === undefined ? {} : { profile }), outDir, ...(s3 === undefined ? {} : { s3 }), ...(runTime === undefined ? {} : { runTime }) };
}

const readers: Array<{ name: string; read(argv: string[], env: Environment): DestinationConfig }> = [
  { name: 'the audit', read: (argv, env) => readAuditConfig(parsed(argv), env) },
  { name: 'merge', read: (argv, env) => readMergeConfig(merge(parsed(['merge', '--from', 'parts', ...argv])), env) },
];

describe('the flags the audit and merge share', () => {
  for (const { name, read } of readers) {
    it(`are read by ${name}: flags, then the environment, then the default`, () => {
      assert.deepEqual(destinationOf(read([], {})), { outDir: DEFAULT_OUT_DIR });
      const flags = read(['--profile', 'audit', '--out-dir', 'reports', '--s3-uri', 's3://bucket/iam', '--run-time', '2024-01-31T12:00:00Z'], {});
      assert.deepEqual(destinationOf(flags), { profile: 'audit', outDir: 'reports', s3: { bucket: 'bucket', prefix: 'iam' }, runTime: new Date('2024-01-31T12:00:00Z') });
      const fromEnv = read([], { AUDIT_S3_URI: 's3://other/x', AUDIT_RUN_TIME: '2024-02-01T00:00:00Z' });
      assert.deepEqual([fromEnv.s3, fromEnv.runTime], [{ bucket: 'other', prefix: 'x' }, new Date('2024-02-01T00:00:00Z')]);
      assert.deepEqual(read(['--s3-uri', 's3://bucket/iam'], { AUDIT_S3_URI: 's3://other/x' }).s3, { bucket: 'bucket', prefix: 'iam' }, 'the flag wins');
      assert.throws(() => read(['--out-dir', ' '], {}), (error: unknown) => error instanceof ConfigError && error.message === '--out-dir: the directory may not be empty');
      assert.throws(() => read([], { AUDIT_S3_URI: 'https://bucket' }), (error: unknown) => error instanceof ConfigError && /^AUDIT_S3_URI: /.test(error.message));
    });
  }

  it('have one declaration: the same flags, defaults and help for the reports in both commands', () => {
    const audit = buildAuditCommand();
    const option = (command: Command, flag: string) => command.options.find((entry) => entry.long === flag);
    for (const flag of ['--profile', '--out-dir', '--s3-uri', '--run-time']) {
      const [own, merged] = [option(audit, flag), option(merge(audit), flag)];
      assert.ok(own && merged, flag);
      assert.deepEqual([merged.flags, merged.defaultValue], [own.flags, own.defaultValue], flag);
    }
    assert.equal(option(merge(audit), '--s3-uri')?.description, option(audit, '--s3-uri')?.description);
    assert.equal(option(merge(audit), '--out-dir')?.description, option(audit, '--out-dir')?.description);
  });
});

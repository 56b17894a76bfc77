import assert from 'node:assert/strict';
import { buildAuditCommand } from '../../../auditor/cli/audit-command';
import { readAuditConfig, type AuditConfig } from '../../../auditor/cli/audit-config';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../../auditor/values/audit-role';
import { DEFAULT_CONCURRENCY } from '../../../auditor/values/run-limits';
import { ConfigError, parseRunTime, parseS3Uri, type Environment } from '../../../auditor/values/parsers';

function configFrom(argv: string[], env: Environment = {}): AuditConfig {
  const command = buildAuditCommand().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  command.parse(argv, { from: 'user' });
  return readAuditConfig(command, env);
}

describe('audit configuration', () => {
  it('applies the documented defaults', () => {
    assert.deepEqual(configFrom(['--role', 'Audit']), {
      roleName: 'Audit',
      outDir: './output',
      concurrency: 16,
      cloudTrail: { enabled: true, region: 'us-east-1', sinceDays: 90 },
      identityCenter: { region: 'us-east-1' },
      accountTimeoutSeconds: 600,
      stopGraceSeconds: 10,
      setupTimeoutSeconds: 240,
    });
  });

  it('reads every flag', () => {
    const config = configFrom([
      '--role=audit/IamAudit',
      '--profile',
      'mgmt',
      '--out-dir',
      '/tmp/x',
      '--accounts',
      '111111111111, 222222222222',
      '--accounts',
      '333333333333,111111111111',
      '--exclude-accounts',
      '444444444444',
      '--concurrency',
      '16',
      '--external-id',
      'ext-123',
      '--cloudtrail-region',
      'eu-west-1',
      '--since-days',
      '7',
      '--no-cloudtrail',
      '--s3-uri',
      's3://audit-reports/daily/',
      '--account-timeout',
      '120',
      '--stop-grace',
      '0',
      '--setup-timeout',
      '30',
      '--identity-center-region',
      'eu-central-1',
    ]);
    assert.deepEqual(config, {
      roleName: 'audit/IamAudit',
      profile: 'mgmt',
      outDir: '/tmp/x',
      includeAccounts: ['111111111111', '222222222222', '333333333333'],
      excludeAccounts: ['444444444444'],
      concurrency: 16,
      externalId: 'ext-123',
      cloudTrail: { enabled: false, region: 'eu-west-1', sinceDays: 7 },
      s3: { bucket: 'audit-reports', prefix: 'daily' },
      identityCenter: { region: 'eu-central-1' },
      accountTimeoutSeconds: 120,
      stopGraceSeconds: 0,
      setupTimeoutSeconds: 30,
    });
  });

  it('looks for Identity Center in the region of the environment unless told, and not at all with --no-identity-center', () => {
    assert.deepEqual(configFrom(['--role', 'R'], { AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-3' }).identityCenter, { region: 'eu-west-2' });
    assert.deepEqual(configFrom(['--role', 'R'], { AWS_DEFAULT_REGION: 'eu-west-3' }).identityCenter, { region: 'eu-west-3' });
    assert.deepEqual(configFrom(['--role', 'R', '--identity-center-region', 'ap-south-1'], { AWS_REGION: 'eu-west-2' }).identityCenter, { region: 'ap-south-1' });
    assert.equal(configFrom(['--role', 'R', '--no-identity-center']).identityCenter, undefined);
    assert.throws(() => configFrom(['--role', 'R', '--identity-center-region', 'Ireland']), /option '--identity-center-region <region>' argument 'Ireland' is invalid/);
    assert.throws(() => configFrom(['--role', 'R'], { AWS_REGION: 'not a region' }), /^ConfigError: AWS_REGION: not an AWS region name/);
  });

  it('reads the account timeout and the stop grace from the environment, and bounds both', () => {
    const fromEnv = configFrom(['--role', 'R'], { AUDIT_ACCOUNT_TIMEOUT: '45', AUDIT_STOP_GRACE: '5' });
    assert.deepEqual([fromEnv.accountTimeoutSeconds, fromEnv.stopGraceSeconds], [45, 5]);
    assert.equal(configFrom(['--role', 'R', '--account-timeout', '30'], { AUDIT_ACCOUNT_TIMEOUT: '45' }).accountTimeoutSeconds, 30);
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_ACCOUNT_TIMEOUT: '0' }), /^ConfigError: AUDIT_ACCOUNT_TIMEOUT: expected a whole number from 1 to 7200, got "0"/);
    assert.throws(() => configFrom(['--role', 'R', '--account-timeout', '7201']), /Expected a whole number from 1 to 7200, got "7201"/);
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_STOP_GRACE: '91' }), /^ConfigError: AUDIT_STOP_GRACE: expected a whole number from 0 to 90/);
  });

  it('reads the set-up deadline from AUDIT_SETUP_TIMEOUT, the flag winning, within 1 to 3600 s', () => {
    assert.equal(configFrom(['--role', 'R'], { AUDIT_SETUP_TIMEOUT: '90' }).setupTimeoutSeconds, 90);
    assert.equal(configFrom(['--role', 'R', '--setup-timeout', '60'], { AUDIT_SETUP_TIMEOUT: '90' }).setupTimeoutSeconds, 60);
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_SETUP_TIMEOUT: '0' }), /^ConfigError: AUDIT_SETUP_TIMEOUT: expected a whole number from 1 to 3600, got "0"/);
    assert.throws(() => configFrom(['--role', 'R', '--setup-timeout', '3601']), /Expected a whole number from 1 to 3600, got "3601"/);
  });

  it("assumes the deployment's audit role unless AUDIT_ROLE_NAME or --role names another; the flag wins over the variable", () => {
    assert.equal(DEFAULT_AUDIT_ROLE_NAME, 'IAMAuditRole');
    assert.equal(configFrom([]).roleName, 'IAMAuditRole');
    assert.equal(configFrom([], { AUDIT_ROLE_NAME: 'EnvRole' }).roleName, 'EnvRole');
    assert.equal(configFrom(['--role', 'FlagRole'], { AUDIT_ROLE_NAME: 'EnvRole' }).roleName, 'FlagRole');
    assert.equal(configFrom(['--role', 'FlagRole']).roleName, 'FlagRole');
  });

  it('falls back to the environment, and flags win over it', () => {
    const env = { AUDIT_ROLE_NAME: 'EnvRole', AUDIT_CONCURRENCY: '3', AUDIT_EXTERNAL_ID: 'env-ext', AUDIT_S3_URI: 's3://env-bucket/p' };
    const fromEnv = configFrom([], env);
    assert.equal(fromEnv.roleName, 'EnvRole');
    assert.equal(fromEnv.concurrency, 3);
    assert.equal(fromEnv.externalId, 'env-ext');
    assert.deepEqual(fromEnv.s3, { bucket: 'env-bucket', prefix: 'p' });
    const fromFlags = configFrom(['--role', 'FlagRole', '--concurrency', '5', '--external-id', 'flag-ext', '--s3-uri', 's3://flag-bucket'], env);
    assert.equal(fromFlags.roleName, 'FlagRole');
    assert.equal(fromFlags.concurrency, 5);
    assert.equal(fromFlags.externalId, 'flag-ext');
    assert.deepEqual(fromFlags.s3, { bucket: 'flag-bucket', prefix: '' });
  });

  it('treats a blank environment variable as unset', () => {
    assert.equal(configFrom([], { AUDIT_ROLE_NAME: '  ' }).roleName, DEFAULT_AUDIT_ROLE_NAME);
    assert.equal(configFrom(['--role', 'R'], { AUDIT_CONCURRENCY: '' }).concurrency, DEFAULT_CONCURRENCY);
  });

  it('names the environment variable when its value is bad', () => {
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_CONCURRENCY: 'lots' }), (error: Error) => error instanceof ConfigError && /^AUDIT_CONCURRENCY: /.test(error.message));
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_S3_URI: 'https://bucket' }), /^ConfigError: AUDIT_S3_URI: expected s3:\/\//);
    assert.throws(() => configFrom([], { AUDIT_ROLE_NAME: 'role with spaces' }), /AUDIT_ROLE_NAME: not an IAM role name/);
  });

  it('refuses an account both included and excluded', () => {
    assert.throws(() => configFrom(['--role', 'R', '--accounts', '111111111111', '--exclude-accounts', '111111111111']), /--accounts and --exclude-accounts both name 111111111111/);
  });

  it('validates S3 URIs', () => {
    assert.deepEqual(parseS3Uri('s3://my.bucket-1/a/b/', '--s3-uri'), { bucket: 'my.bucket-1', prefix: 'a/b' });
    for (const bad of ['s3://', 's3://UPPER/x', 's3://ab', 's3:/bucket', 'bucket/prefix', 's3://bucket/../x', 's3://-bucket/']) {
      assert.throws(() => parseS3Uri(bad, '--s3-uri'), /^ConfigError: --s3-uri: /, bad);
    }
  });

  it('refuses every bucket name S3 would refuse, naming the rule', () => {
    const refused: [string, RegExp][] = [
      ['ab', /is 2 characters long/],
      [`${'a'.repeat(64)}`, /is 64 characters long/],
      ['my..bucket', /two dots in a row/],
      ['192.168.1.1', /IP address/],
      ['xn--bucket', /begin with "xn--"/],
      ['sthree-bucket', /begin with "sthree-"/],
      ['amzn-s3-demo-bucket', /begin with "amzn-s3-demo-"/],
      ['bucket-s3alias', /end with "-s3alias"/],
      ['bucket--ol-s3', /end with "--ol-s3"/],
      ['bucket.mrap', /end with ".mrap"/],
      ['bucket--x-s3', /end with "--x-s3"/],
      ['bucket--table-s3', /end with "--table-s3"/],
      ['Bucket', /lowercase letters, digits, dots and hyphens/],
      ['bucket-', /begin and end with a letter or digit/],
    ];
    for (const [bucket, rule] of refused) {
      assert.throws(
        () => parseS3Uri(`s3://${bucket}/reports/`, '--s3-uri'),
        (error: Error) => error instanceof ConfigError && error.message.startsWith(`--s3-uri: "${bucket}" is not an S3 bucket name: it `) && rule.test(error.message),
        bucket,
      );
    }
    for (const accepted of ['abc', 'a'.repeat(63), 'reports.example.com', 'xn-bucket', 'bucket-s3', 'my-s3alias-bucket', '192.168.1.1.example', '1bucket2']) {
      assert.equal(parseS3Uri(`s3://${accepted}/`, '--s3-uri').bucket, accepted);
    }
  });

  it('stops the command at an invalid bucket before the audit starts', () => {
    assert.throws(() => configFrom(['--role', 'R', '--s3-uri', 's3://xn--bucket/']), /Xn--bucket|"xn--bucket" is not an S3 bucket name/i);
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_S3_URI: 's3://192.168.1.1/' }), /^ConfigError: AUDIT_S3_URI: "192.168.1.1" is not an S3 bucket name: it may not be formatted as an IP address/);
  });

  it('takes a run time only on a real calendar date and clock time', () => {
    const clock = () => new Date('2025-01-01T00:00:00Z');
    assert.equal(parseRunTime('2024-02-29T06:00:00Z', '--run-time', clock).toISOString(), '2024-02-29T06:00:00.000Z');
    assert.equal(parseRunTime('2024-03-01T01:30:00+02:00', '--run-time', clock).toISOString(), '2024-02-29T23:30:00.000Z');
    assert.equal(parseRunTime('2024-12-31T23:59:59.999Z', '--run-time', clock).toISOString(), '2024-12-31T23:59:59.999Z');
    for (const bad of ['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-00T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-01-01T23:59:60Z', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00+01:60']) {
      assert.throws(() => parseRunTime(bad, '--run-time', clock), (error: Error) => error instanceof ConfigError && error.message === `--run-time: "${bad}" is not a real date and time (no such day, hour, minute or second)`, bad);
    }
    assert.throws(() => configFrom(['--role', 'R'], { AUDIT_RUN_TIME: '2024-02-30T00:00:00Z' }), /^ConfigError: AUDIT_RUN_TIME: "2024-02-30T00:00:00Z" is not a real date/);
    assert.throws(() => configFrom(['--role', 'R', '--run-time', '2024-02-30T00:00:00Z']), /not a real date and time/);
  });
});

import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { ConfigError, flagOrEnvironment, fromEnvironment, isAccountId, parseAccountIds, parseIntegerInRange, parseRegion, parseRoleName, parseRoleNameWithPath, problemOf } from '../../../auditor/values/parsers';
import { singleValueParser } from '../../../auditor/cli/flag-parsers';
import { DeploymentConfigError } from '../../../infra/config';
import { parseDeploymentConfig } from '../../infra/stack-settings';
import { buildBenchCommand, parseBenchArgs } from '../../../bench/args';

function configError(source: string): (error: unknown) => boolean {
  return (error) => error instanceof ConfigError && error.message.startsWith(`${source}: `);
}

describe('shared parsers', () => {
  it('read whole numbers in a range and nothing that only looks like one', () => {
    assert.equal(parseIntegerInRange(' 7 ', '--n', 1, 7), 7);
    assert.equal(parseIntegerInRange('1', '--n', 1, 7), 1);
    for (const bad of ['0', '8', '1.0', '1e1', '0x3', '-1', '', 'seven', '9007199254740993']) {
      assert.throws(() => parseIntegerInRange(bad, '--n', 1, 7), configError('--n'), bad);
    }
    assert.throws(() => parseIntegerInRange('8', 'AUDIT_N', 1, 7), /^ConfigError: AUDIT_N: expected a whole number from 1 to 7, got "8"$/);
  });

  it('read role names with and without a path', () => {
    const longest = 'r'.repeat(64);
    assert.equal(parseRoleName(` ${longest} `, 'key'), longest);
    assert.equal(parseRoleName('Audit+=,.@_-1', 'key'), 'Audit+=,.@_-1');
    for (const bad of ['', 'r'.repeat(65), 'has space', 'audit/Role', 'Role*']) assert.throws(() => parseRoleName(bad, 'key'), configError('key'), bad);
    assert.equal(parseRoleNameWithPath('audit/team/IamAudit', '--role'), 'audit/team/IamAudit');
    assert.equal(parseRoleNameWithPath(longest, '--role'), longest);
    for (const bad of ['', 'audit/', '/IamAudit', `audit/${'r'.repeat(65)}`, 'a b']) assert.throws(() => parseRoleNameWithPath(bad, '--role'), configError('--role'), bad);
  });

  it('read account ids and regions', () => {
    assert.ok(isAccountId('012345678901'));
    assert.ok(!isAccountId('12345678901') && !isAccountId('1234567890123') && !isAccountId('12345678901a'));
    assert.deepEqual(parseAccountIds(' 111111111111 ,222222222222,', '--accounts'), ['111111111111', '222222222222']);
    assert.throws(() => parseAccountIds('111111111111,abc', '--accounts'), /--accounts: not a 12-digit AWS account id: "abc"/);
    for (const region of ['us-east-1', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1', 'eu-central-2']) assert.equal(parseRegion(region, 'r'), region);
    for (const bad of ['Virginia', 'us-east-1,eu-west-1', 'us-east', 'US-EAST-1']) assert.throws(() => parseRegion(bad, 'r'), configError('r'), bad);
  });

  it('take a flag before the environment and ignore a blank variable', () => {
    const env = { AUDIT_N: ' 3 ', AUDIT_BLANK: '  ' };
    const parse = (value: string, source: string) => parseIntegerInRange(value, source, 1, 9);
    assert.equal(flagOrEnvironment(5, env, 'AUDIT_N', parse), 5);
    assert.equal(flagOrEnvironment(undefined, env, 'AUDIT_N', parse), 3);
    assert.equal(flagOrEnvironment(undefined, env, 'AUDIT_BLANK', parse), undefined);
    assert.equal(fromEnvironment(env, 'AUDIT_BLANK'), undefined);
    assert.throws(() => flagOrEnvironment(undefined, { AUDIT_N: '10' }, 'AUDIT_N', parse), configError('AUDIT_N'));
  });

  it('report a problem without its source for callers that name the source their own way', () => {
    assert.equal(problemOf(new ConfigError('--n: expected a whole number from 1 to 7, got "8"')), 'expected a whole number from 1 to 7, got "8"');
    assert.throws(
      () => singleValueParser('--n', (value, source) => parseIntegerInRange(value, source, 1, 7))('8'),
      (error: unknown) => error instanceof InvalidArgumentError && error.message === 'Expected a whole number from 1 to 7, got "8"',
    );
  });

  it('are the ones the Pulumi configuration and the benchmark use', () => {
    // The same rule for the same thing, with each caller's own way of naming the source.
    assert.throws(() => parseDeploymentConfig({ auditRoleName: 'audit/Role' }), (error: unknown) => error instanceof DeploymentConfigError && error.message === 'iam-audit-kit:auditRoleName: not an IAM role name (1-64 letters, digits and +=,.@_-): "audit/Role"');
    assert.throws(() => parseDeploymentConfig({ auditorConcurrency: '1.5' }), /^DeploymentConfigError: iam-audit-kit:auditorConcurrency: expected a whole number from 1 to 64, got "1.5"$/);
    assert.equal(parseDeploymentConfig({ stackSetRegion: 'us-gov-west-1' }).stackSetRegion, 'us-gov-west-1');
    assert.throws(() => parseDeploymentConfig({ extraTrustedPrincipalArns: '["arn:aws:iam::12345678901:role/x"]' }), /iam-audit-kit:extraTrustedPrincipalArns: /);
    assert.deepEqual(parseDeploymentConfig({ extraTrustedPrincipalArns: '["arn:aws:iam::123456789012:role/team/x", "arn:aws:sts::123456789012:assumed-role/r/s"]' }).extraTrustedPrincipalArns.length, 2);
    assert.throws(() => parseBenchArgs(['--users', '1.5'], buildBenchCommand().configureOutput({ writeErr: () => undefined })), /--users: expected a whole number from 0 to 5000, got "1\.5"/);
  });
});

import { strict as assert } from 'assert';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../auditor/values/audit-role';
import {
  DEFAULT_SCHEDULE_EXPRESSION,
  DeploymentConfigError,
  isValidFargateSize,
} from '../../infra/config';
import { parseDeploymentConfig, StackSettings } from './stack-settings';

describe('deployment configuration', () => {
  it('fills in defaults: organization root, SELF, weekly in UTC, 1024/2048, 16 accounts at once, 90-day logs', () => {
    const config = parseDeploymentConfig({}, 'eu-central-1');
    assert.deepEqual(config, {
      auditRoleName: DEFAULT_AUDIT_ROLE_NAME,
      targetOrganizationalUnitIds: [],
      stackSetRegion: 'eu-central-1',
      callAs: 'SELF',
      extraTrustedPrincipalArns: [],
      scheduleExpression: DEFAULT_SCHEDULE_EXPRESSION,
      scheduleTimezone: 'UTC',
      subnetIds: [],
      assignPublicIp: true,
      imageUri: undefined,
      reportRetentionDays: 365,
      noncurrentReportRetentionDays: 30,
      logRetentionDays: 90,
      taskCpu: 1024,
      taskMemory: 2048,
      auditorConcurrency: 16,
      notificationEmail: undefined,
      shards: 1,
      exemptionsS3Key: undefined,
      exemptionsFile: undefined,
      securityHub: false,
      enforceNoAccessKeys: false,
      enforceConsoleMfa: false,
      enforceNoRootUser: false,
      centralizeRootAccess: false,
      enforcementTargetIds: [],
      credentialAlerts: true,
    });
    assert.equal(DEFAULT_SCHEDULE_EXPRESSION, 'cron(0 6 ? * MON *)');
  });

  it('reads every setting, lists as JSON (as Pulumi hands YAML lists over)', () => {
    const config = parseDeploymentConfig({
      auditRoleName: 'OrgAudit.ReadOnly',
      targetOrganizationalUnitIds: '["ou-ab12-cd34ef56", "r-ab12"]',
      stackSetRegion: 'us-gov-west-1',
      callAs: 'DELEGATED_ADMIN',
      extraTrustedPrincipalArns: '["arn:aws:iam::111122223333:role/SecurityAuditor", "arn:aws:iam::111122223333:user/alice"]',
      scheduleExpression: 'rate(12 hours)',
      scheduleTimezone: 'Europe/Berlin',
      subnetIds: '["subnet-0123abcd", "subnet-0123456789abcdef0"]',
      assignPublicIp: 'false',
      imageUri: '111122223333.dkr.ecr.us-east-1.amazonaws.com/iam-audit:1.0.0',
      reportRetentionDays: '730',
      noncurrentReportRetentionDays: '7',
      logRetentionDays: '365',
      taskCpu: '1024',
      taskMemory: '8192',
      auditorConcurrency: '16',
      exemptionsS3Key: 'config/exemptions.yaml',
    });
    assert.equal(config.exemptionsS3Key, 'config/exemptions.yaml');
    const enforcing = parseDeploymentConfig({
      enforceNoAccessKeys: 'true', enforceConsoleMfa: 'true', enforceNoRootUser: 'false', centralizeRootAccess: 'true',
      enforcementTargetIds: '["r-ab12", "ou-ab12-cd34ef56", "222222222222"]',
    });
    assert.deepEqual([enforcing.enforceNoAccessKeys, enforcing.enforceConsoleMfa, enforcing.enforceNoRootUser, enforcing.centralizeRootAccess], [true, true, false, true]);
    assert.deepEqual(enforcing.enforcementTargetIds, ['r-ab12', 'ou-ab12-cd34ef56', '222222222222']);
    assert.deepEqual(config.targetOrganizationalUnitIds, ['ou-ab12-cd34ef56', 'r-ab12']);
    assert.deepEqual(config.extraTrustedPrincipalArns, [
      'arn:aws:iam::111122223333:role/SecurityAuditor', 'arn:aws:iam::111122223333:user/alice']);
    assert.deepEqual(config.subnetIds, ['subnet-0123abcd', 'subnet-0123456789abcdef0']);
    assert.equal(config.callAs, 'DELEGATED_ADMIN');
    assert.equal(config.assignPublicIp, false);
    assert.equal(config.imageUri, '111122223333.dkr.ecr.us-east-1.amazonaws.com/iam-audit:1.0.0');
    assert.equal(config.scheduleTimezone, 'Europe/Berlin');
    assert.deepEqual([config.taskCpu, config.taskMemory, config.auditorConcurrency], [1024, 8192, 16]);
    assert.deepEqual([config.reportRetentionDays, config.noncurrentReportRetentionDays, config.logRetentionDays], [730, 7, 365]);
  });

  const badSettings: Array<[string, StackSettings]> = [
    ['auditRoleName', { auditRoleName: 'has spaces' }],
    ['auditRoleName', { auditRoleName: 'x'.repeat(65) }],
    ['targetOrganizationalUnitIds', { targetOrganizationalUnitIds: '["ou-12"]' }],
    ['targetOrganizationalUnitIds', { targetOrganizationalUnitIds: '[1, 2]' }],
    ['targetOrganizationalUnitIds', { targetOrganizationalUnitIds: '["ou-ab12-cd34ef56", "ou-ab12-cd34ef56"]' }],
    ['targetOrganizationalUnitIds', { targetOrganizationalUnitIds: '[not json' }],
    ['stackSetRegion', { stackSetRegion: 'us-east-1,eu-west-1' }],
    ['callAs', { callAs: 'self' }],
    ['extraTrustedPrincipalArns', { extraTrustedPrincipalArns: 'arn:aws:iam::123:role/x' }],
    ['extraTrustedPrincipalArns', { extraTrustedPrincipalArns: '*' }],
    ['scheduleExpression', { scheduleExpression: '0 6 * * 1' }],
    ['scheduleExpression', { scheduleExpression: 'rate(0 days)' }],
    ['scheduleExpression', { scheduleExpression: 'cron(0 6 * * MON *)' }],
    ['scheduleExpression', { scheduleExpression: 'cron(a b c d e f)' }],
    ['scheduleExpression', { scheduleExpression: 'cron(99 99 ? * MON *)' }],
    ['scheduleExpression', { scheduleExpression: 'rate(1 minutes)' }],
    ['scheduleTimezone', { scheduleTimezone: 'Mars/Olympus' }],
    ['scheduleTimezone', { scheduleTimezone: 'europe/berlin' }],
    ['subnetIds', { subnetIds: '"subnet-0123abcd"' }],
    ['subnetIds', { subnetIds: 'sub-123' }],
    ['assignPublicIp', { assignPublicIp: 'yes' }],
    ['targetOrganizationalUnitIds', { targetOrganizationalUnitIds: 'ou-ab12-cd34ef56,ou-ab12-gh78ij90' }],
    ['imageUri', { imageUri: 'iam-audit' }],
    ['reportRetentionDays', { reportRetentionDays: '0' }],
    ['reportRetentionDays', { reportRetentionDays: '1.5' }],
    ['noncurrentReportRetentionDays', { noncurrentReportRetentionDays: 'forever' }],
    ['logRetentionDays', { logRetentionDays: '100' }],
    ['taskCpu', { taskCpu: '300' }],
    ['taskMemory', { taskCpu: '256', taskMemory: '4096' }],
    ['taskMemory', { taskCpu: '4096', taskMemory: '4096' }],
    ['auditorConcurrency', { auditorConcurrency: '0' }],
    ['auditorConcurrency', { auditorConcurrency: '-3' }],
    ['auditRoleNme', { auditRoleNme: 'Typo' }],
    ['exemptionsS3Key', { exemptionsS3Key: '/config/exemptions.yaml' }],
    ['exemptionsS3Key', { exemptionsS3Key: 'config/' }],
    ['exemptionsS3Key', { exemptionsS3Key: 'config/../exemptions.yaml' }],
    ['enforceNoAccessKeys', { enforceNoAccessKeys: 'yes' }],
    ['enforceConsoleMfa', { enforceConsoleMfa: '1' }],
    ['enforceNoRootUser', { enforceNoRootUser: 'on' }],
    ['centralizeRootAccess', { centralizeRootAccess: 'enabled' }],
    ['enforcementTargetIds', { enforcementTargetIds: '["ou-12"]' }],
    ['enforcementTargetIds', { enforcementTargetIds: '["12345678901"]' }],
    ['enforcementTargetIds', { enforcementTargetIds: '["r-ab12", "r-ab12"]' }],
    ['enforcementTargetIds', { enforcementTargetIds: 'r-ab12' }],
    ['exemptionsFile', { exemptionsFile: 'no-such-exemptions.yaml' }],
    ['credentialAlerts', { credentialAlerts: 'sometimes' }],
  ];
  for (const [key, raw] of badSettings) {
    it(`rejects ${JSON.stringify(raw)}, naming iam-audit-kit:${key}`, () => {
      assert.throws(() => parseDeploymentConfig(raw), (error: unknown) => {
        assert.ok(error instanceof DeploymentConfigError);
        assert.equal(error.key, key);
        assert.ok(error.message.startsWith(`iam-audit-kit:${key}: `), error.message);
        return true;
      });
    });
  }

  it('knows the Fargate CPU and memory pairs', () => {
    assert.ok(isValidFargateSize(256, 512));
    assert.ok(isValidFargateSize(256, 2048));
    assert.ok(!isValidFargateSize(256, 3072));
    assert.ok(isValidFargateSize(512, 4096));
    assert.ok(isValidFargateSize(4096, 30720));
    assert.ok(!isValidFargateSize(4096, 31744));
    assert.ok(isValidFargateSize(8192, 20480));
    assert.ok(!isValidFargateSize(8192, 17408));
    assert.ok(!isValidFargateSize(300, 1024));
  });
});

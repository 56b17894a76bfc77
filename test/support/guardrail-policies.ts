// SCP documents for the guardrail tests, shaped as the deployment writes its guardrails: a deny of
// access key creation for users with carve-outs that end on a date, a deny of console sessions
// without MFA but for setting up one's own MFA, a deny of the root user.
import type { ServiceControlPolicyRecord } from '../../auditor/model';
import type { PolicyLevel } from '../../auditor/analysis/guardrails';

export const FULL_AWS_ACCESS: ServiceControlPolicyRecord = {
  id: 'p-FullAWSAccess',
  name: 'FullAWSAccess',
  awsManaged: true,
  document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
};

export interface AccessKeyCarveOut {
  accountId: string;
  userName: string;
  /** The exemption's last day, `YYYY-MM-DD`. */
  expires: string;
}

export function noAccessKeysScp(id: string, carveOuts: readonly AccessKeyCarveOut[] = []): ServiceControlPolicyRecord {
  const exempted = carveOuts.map((entry) => `arn:aws:iam::${entry.accountId}:user/${entry.userName}`);
  const statements: object[] = [exempted.length === 0
    ? { Sid: 'DenyAccessKeys', Effect: 'Deny', Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey'], Resource: 'arn:aws:iam::*:user/*' }
    : { Sid: 'DenyAccessKeys', Effect: 'Deny', Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey'], NotResource: exempted }];
  carveOuts.forEach((entry, index) => statements.push({
    Sid: `DenyAccessKeysAfterExemption${index}`,
    Effect: 'Deny',
    Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey'],
    Resource: exempted[index],
    Condition: { DateGreaterThan: { 'aws:CurrentTime': `${entry.expires}T23:59:59Z` } },
  }));
  return { id, name: 'iam-audit-no-access-keys', awsManaged: false, document: JSON.stringify({ Version: '2012-10-17', Statement: statements }) };
}

export function consoleMfaScp(id: string, exemptedUserArns: readonly string[] = []): ServiceControlPolicyRecord {
  const condition: Record<string, object> = { Bool: { 'aws:MultiFactorAuthPresent': 'false' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } };
  if (exemptedUserArns.length > 0) condition.ArnNotLike = { 'aws:PrincipalArn': [...exemptedUserArns] };
  return {
    id,
    name: 'iam-audit-console-mfa',
    awsManaged: false,
    document: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'DenyConsoleWithoutMfa',
        Effect: 'Deny',
        NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ListMFADevices', 'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice', 'iam:ChangePassword', 'sts:GetSessionToken'],
        Resource: '*',
        Condition: condition,
      }],
    }),
  };
}

export function noRootUserScp(id: string): ServiceControlPolicyRecord {
  return {
    id,
    name: 'iam-audit-no-root-user',
    awsManaged: false,
    document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyRootUser', Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } } }] }),
  };
}

export function level(targetId: string, type: PolicyLevel['type'], policies: ServiceControlPolicyRecord[]): PolicyLevel {
  return { targetId, type, policyIds: policies.map((policy) => policy.id), policies };
}

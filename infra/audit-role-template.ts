// The member-account CloudFormation template. It is generated from the auditor's declared permissions
// so it cannot drift from the code; `npm run infra:template` writes the copy in infra/templates/ for
// use without Pulumi, and a test fails when that copy is out of date.
import * as path from 'path';
import { DEFAULT_AUDIT_ROLE_NAME } from '../auditor/values/audit-role';
import { AUDIT_ROLE } from './audit-role';

export const AUDIT_ROLE_TEMPLATE_PATH = path.join(__dirname, 'templates', 'audit-role.json');

/** The template's parameters, as the StackSet passes them. */
export const AUDIT_ROLE_TEMPLATE_PARAMETERS = {
  roleName: 'AuditRoleName',
  trustedPrincipalArns: 'TrustedPrincipalArns',
  organizationId: 'OrganizationId',
} as const;

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters: Record<string, Record<string, string | number>>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
}

function trustPolicyWithParameterReferences(): Record<string, unknown> {
  // Built by the same function as the management account's trust policy, then pointed at the parameters.
  const trust = AUDIT_ROLE.trust([], '');
  return {
    ...trust,
    Statement: trust.Statement.map((statement) => ({
      ...statement,
      Principal: { AWS: { Ref: AUDIT_ROLE_TEMPLATE_PARAMETERS.trustedPrincipalArns } },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: AUDIT_ROLE_TEMPLATE_PARAMETERS.organizationId } } },
    })),
  };
}

export function buildAuditRoleTemplate(): CloudFormationTemplate {
  const p = AUDIT_ROLE_TEMPLATE_PARAMETERS;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'IAM Audit Kit: read-only audit role the auditor assumes in this account.',
    Parameters: {
      [p.roleName]: {
        Type: 'String',
        Default: DEFAULT_AUDIT_ROLE_NAME,
        AllowedPattern: '[\\w+=,.@-]{1,64}',
        Description: 'Name of the audit role (the auditor assumes arn:<partition>:iam::<account>:role/<name>).',
      },
      [p.trustedPrincipalArns]: {
        Type: 'CommaDelimitedList',
        Description: 'ARNs of the principals allowed to assume the role: the auditor task role, plus any extra.',
      },
      [p.organizationId]: {
        Type: 'String',
        AllowedPattern: 'o-[a-z0-9]{10,32}',
        Description: 'The organization the trusted principals must belong to (aws:PrincipalOrgID).',
      },
    },
    Resources: {
      AuditRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: p.roleName },
          Description: AUDIT_ROLE.description,
          MaxSessionDuration: AUDIT_ROLE.maxSessionDurationSeconds,
          AssumeRolePolicyDocument: trustPolicyWithParameterReferences(),
          Policies: [{ PolicyName: AUDIT_ROLE.inlinePolicyName, PolicyDocument: AUDIT_ROLE.permissions() }],
          Tags: Object.entries(AUDIT_ROLE.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      },
    },
    Outputs: {
      AuditRoleArn: { Description: 'ARN of the audit role.', Value: { 'Fn::GetAtt': ['AuditRole', 'Arn'] } },
      AuditRoleName: { Description: 'Name of the audit role.', Value: { Ref: 'AuditRole' } },
    },
  };
}

/** The template as written to infra/templates/audit-role.json and sent to the StackSet. */
export function renderAuditRoleTemplate(): string {
  return `${JSON.stringify(buildAuditRoleTemplate(), null, 2)}\n`;
}

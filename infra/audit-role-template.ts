// The member-account CloudFormation template. It is generated from the auditor's declared permissions
// so it cannot drift from the code; `npm run infra:template` writes the copy in infra/templates/ for
// use without Pulumi, and a test fails when that copy is out of date.
import * as path from 'path';
import { DEFAULT_AUDIT_ROLE_NAME } from '../auditor/values/audit-role';
import { AUDIT_ROLE } from './audit-role';
import { CREDENTIAL_ALERT_RULE_NAME, credentialAlertPattern } from './credential-alert-rule';

export const AUDIT_ROLE_TEMPLATE_PATH = path.join(__dirname, 'templates', 'audit-role.json');

/** The template's parameters, as the StackSet passes them. */
export const AUDIT_ROLE_TEMPLATE_PARAMETERS = {
  roleName: 'AuditRoleName',
  trustedPrincipalArns: 'TrustedPrincipalArns',
  organizationId: 'OrganizationId',
  auditRoleRegion: 'AuditRoleRegion',
  centralEventBusArn: 'CentralEventBusArn',
  credentialAlertRegion: 'CredentialAlertRegion',
} as const;

/** The template's conditions: the role in one region, the credential alert rule in IAM's events region. */
export const AUDIT_ROLE_TEMPLATE_CONDITIONS = {
  createAuditRole: 'CreateAuditRole',
  createCredentialAlerts: 'CreateCredentialAlerts',
} as const;

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters: Record<string, Record<string, string | number>>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Description: string; Condition?: string; Value: unknown }>;
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
  const c = AUDIT_ROLE_TEMPLATE_CONDITIONS;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'IAM Audit Kit: read-only audit role the auditor assumes in this account, and the rule that forwards credential alerts.',
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
      [p.auditRoleRegion]: {
        Type: 'String',
        Default: '',
        AllowedPattern: '([a-z]{2}(-[a-z]+)+-\\d)?',
        Description: 'The one region that creates the audit role when the template is deployed to several (a role is global); empty: every region it is deployed to.',
      },
      [p.centralEventBusArn]: {
        Type: 'String',
        Default: '',
        AllowedPattern: '(arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[A-Za-z0-9._/-]+)?',
        Description: 'The central event bus credential alerts are forwarded to; empty: no credential alerts.',
      },
      [p.credentialAlertRegion]: {
        Type: 'String',
        Default: 'us-east-1',
        AllowedPattern: '[a-z]{2}(-[a-z]+)+-\\d',
        Description: "The region IAM's CloudTrail events arrive in (us-east-1; us-gov-west-1 in GovCloud, cn-north-1 in China): the alert rule is created there only.",
      },
    },
    Conditions: {
      [c.createAuditRole]: { 'Fn::Or': [
        { 'Fn::Equals': [{ Ref: p.auditRoleRegion }, ''] },
        { 'Fn::Equals': [{ Ref: p.auditRoleRegion }, { Ref: 'AWS::Region' }] },
      ] },
      [c.createCredentialAlerts]: { 'Fn::And': [
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: p.centralEventBusArn }, ''] }] },
        { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: p.credentialAlertRegion }] },
      ] },
    },
    Resources: {
      AuditRole: {
        Type: 'AWS::IAM::Role',
        Condition: c.createAuditRole,
        Properties: {
          RoleName: { Ref: p.roleName },
          Description: AUDIT_ROLE.description,
          MaxSessionDuration: AUDIT_ROLE.maxSessionDurationSeconds,
          AssumeRolePolicyDocument: trustPolicyWithParameterReferences(),
          Policies: [{ PolicyName: AUDIT_ROLE.inlinePolicyName, PolicyDocument: AUDIT_ROLE.permissions() }],
          Tags: Object.entries(AUDIT_ROLE.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      },
      CredentialAlertForwarderRole: {
        Type: 'AWS::IAM::Role',
        Condition: c.createCredentialAlerts,
        Properties: {
          Description: 'IAM Audit Kit: lets the credential alert rule put its events on the central bus.',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Sid: 'EventBridgeOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }],
          },
          Policies: [{
            PolicyName: 'put-on-central-bus',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Sid: 'CentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: p.centralEventBusArn } }],
            },
          }],
          Tags: [{ Key: 'iam-audit-kit', Value: 'credential-alerts' }],
        },
      },
      CredentialAlertRule: {
        Type: 'AWS::Events::Rule',
        Condition: c.createCredentialAlerts,
        Properties: {
          Name: CREDENTIAL_ALERT_RULE_NAME,
          Description: 'IAM Audit Kit: a new access key, console password or user, a reactivated key, a removed MFA device or a root sign-in, forwarded to the central bus.',
          State: 'ENABLED',
          EventPattern: credentialAlertPattern(),
          Targets: [{
            Id: 'central-bus',
            Arn: { Ref: p.centralEventBusArn },
            RoleArn: { 'Fn::GetAtt': ['CredentialAlertForwarderRole', 'Arn'] },
          }],
        },
      },
    },
    Outputs: {
      AuditRoleArn: { Description: 'ARN of the audit role.', Condition: c.createAuditRole, Value: { 'Fn::GetAtt': ['AuditRole', 'Arn'] } },
      AuditRoleName: { Description: 'Name of the audit role.', Condition: c.createAuditRole, Value: { Ref: 'AuditRole' } },
    },
  };
}

/** The template as written to infra/templates/audit-role.json and sent to the StackSet. */
export function renderAuditRoleTemplate(): string {
  return `${JSON.stringify(buildAuditRoleTemplate(), null, 2)}\n`;
}

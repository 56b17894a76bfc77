// The permissions the auditor needs, declared once. The deployment (infra/) builds the audit role's
// policy and the task role's policy from these lists, so the role can never drift from the code.
// When a collector starts calling a new API, its action goes here in the same change.

/** IAM and CloudTrail reads made inside each audited account, through the audit role. */
export const AUDIT_ROLE_ACTIONS = [
  // Credential report: every user, password and key usage in two calls.
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  // What the report lacks: key ids, MFA device types.
  'iam:ListAccessKeys',
  'iam:ListVirtualMFADevices',
  'iam:ListMFADevices',
  // Root credentials summary (root MFA, root keys).
  'iam:GetAccountSummary',
  // Fallback when the credential report cannot be had.
  'iam:ListUsers',
  'iam:GetLoginProfile',
  'iam:GetAccessKeyLastUsed',
  // Remediation timeline.
  'cloudtrail:LookupEvents',
] as const;

/** Reads made in the management (or delegated administrator) account with the auditor's own credentials. */
export const MANAGEMENT_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:DescribeOrganization',
] as const;

/** Made by the auditor's own credentials against `arn:<partition>:iam::<account>:role/<audit role>`. */
export const ASSUME_ROLE_ACTION = 'sts:AssumeRole' as const;

export type AuditRoleAction = (typeof AUDIT_ROLE_ACTIONS)[number];
export type ManagementAction = (typeof MANAGEMENT_ACTIONS)[number];

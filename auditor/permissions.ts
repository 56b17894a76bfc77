// The permissions the auditor needs, declared once. The deployment (infra/) builds the audit role's
// policy and the task role's policy from these lists, so the role can never drift from the code.
// When a collector starts calling a new API, its action goes here in the same change.

import { CLOUDTRAIL_COLLECTOR_ACTIONS } from './collectors/cloudtrail';
import { IAM_COLLECTOR_ACTIONS } from './collectors/iam';
import { INVENTORY_ACTIONS } from './collectors/inventory';

/** With `--security-hub`: the auditor's own credentials, in its own account and region. */
export { SECURITY_HUB_ACTIONS, type SecurityHubAction } from './publish/security-hub/import-findings';

/**
 * IAM and CloudTrail reads made inside each audited account, through the audit role. Each collector
 * declares the actions it calls next to its code; this is their union: the credential report,
 * then only what it lacks (key ids, MFA device types), the account summary for root, the per-user
 * fallback (ListUsers, GetLoginProfile, GetAccessKeyLastUsed), the inventory of principals and
 * policies (GetAccountAuthorizationDetails, GetAccountPasswordPolicy) and the CloudTrail event history.
 */
export const AUDIT_ROLE_ACTIONS = [...IAM_COLLECTOR_ACTIONS, ...INVENTORY_ACTIONS, ...CLOUDTRAIL_COLLECTOR_ACTIONS] as const;

/** Reads made in the management (or delegated administrator) account with the auditor's own credentials. */
export const MANAGEMENT_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:DescribeOrganization',
] as const;

/** Made by the auditor's own credentials against `arn:<partition>:iam::<account>:role/<audit role>`. */
export const ASSUME_ROLE_ACTION = 'sts:AssumeRole' as const;

// The permissions the auditor needs, declared once. The deployment (infra/) builds the audit role's
// policy and the task role's policy from these lists, so the role can never drift from the code.
// A collector declares the actions it calls next to its code (collectors/account-collector.ts);
// registering it (collectors/registry.ts) adds them here.

import type { ActionName } from './collectors/account-collector';
import { ACCOUNT_COLLECTORS } from './collectors/registry';
import { IDENTITY_CENTER_ACTIONS, IDENTITY_CENTER_MANAGEMENT_ACTIONS } from './collectors/identity-center';

/** With `--security-hub`: the auditor's own credentials, in its own account and region. */
export { SECURITY_HUB_ACTIONS, type SecurityHubAction } from './publish/security-hub/import-findings';

function unique(actions: readonly ActionName[]): readonly ActionName[] {
  return [...new Set(actions)];
}

/**
 * Reads made inside each audited account, through the audit role: the union of the registered
 * collectors' (the credential report, then only what it lacks (key ids, MFA device types), the
 * account summary for root, the per-user fallback (ListUsers, GetLoginProfile, GetAccessKeyLastUsed),
 * the inventory of principals and policies (GetAccountAuthorizationDetails, GetAccountPasswordPolicy)
 * and the CloudTrail event history), and the organization's Identity Center (read once per run in
 * the account that administers it, the management account or the delegated administrator, but
 * granted by the one role every account has, so that delegating it later needs no new deployment).
 */
export const AUDIT_ROLE_ACTIONS: readonly ActionName[] = unique([...ACCOUNT_COLLECTORS.flatMap((collector) => collector.actions.auditRole), ...IDENTITY_CENTER_ACTIONS]);

/**
 * Reads made in the management (or delegated administrator) account with the auditor's own
 * credentials: the account listing, the registered collectors' management-side reads, and where
 * Identity Center is administered from.
 */
export const MANAGEMENT_ACTIONS: readonly ActionName[] = unique([
  'organizations:ListAccounts',
  'organizations:DescribeOrganization',
  ...ACCOUNT_COLLECTORS.flatMap((collector) => collector.actions.management),
  ...IDENTITY_CENTER_MANAGEMENT_ACTIONS,
]);

/** Made by the auditor's own credentials against `arn:<partition>:iam::<account>:role/<audit role>`. */
export const ASSUME_ROLE_ACTION = 'sts:AssumeRole' as const;

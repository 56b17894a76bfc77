// The facts the deployment's guardrails (infra/guardrails.ts) and the audit's proof of them
// (auditor/analysis/guardrails.ts) share, so that what an SCP claims to deny is what the audit asks.

/**
 * Creating an access key for an IAM user, and making an inactive one active again. IAM has no
 * condition key for the status an `UpdateAccessKey` sets, so the guardrail denies every update:
 * deactivating a key is denied with reactivating it, and `DeleteAccessKey` stays allowed.
 */
export const ACCESS_KEY_CREATION_ACTIONS: readonly string[] = ['iam:CreateAccessKey', 'iam:UpdateAccessKey'];

/** The action the audit asks about: can an IAM user's access key be created? */
export const ACCESS_KEY_CREATE_ACTION = 'iam:CreateAccessKey';

/**
 * What a console session without MFA may still do: see its own user, set up and resynchronise an
 * MFA device, change its password, and get a session token once MFA is on. Everything else is
 * denied until the user signs in again with MFA.
 */
export const MFA_SELF_SERVICE_ACTIONS: readonly string[] = [
  'iam:ChangePassword',
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetAccountPasswordPolicy',
  'iam:GetMFADevice',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
];

/** IAM's centralized root access for an organization's member accounts: both features. */
export const ROOT_CREDENTIALS_MANAGEMENT = 'RootCredentialsManagement';
export const ROOT_SESSIONS = 'RootSessions';
export const CENTRALIZED_ROOT_FEATURES: readonly string[] = [ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS];

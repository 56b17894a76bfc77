// Set-up errors: the run cannot start at all. Each message says plainly what is wrong and what
// to do, because it is the only thing the user sees (exit code 1).
import { describeError, isAwsError } from './aws-error';

export class AuditSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditSetupError';
  }
}

function isMissingCredentials(error: unknown): boolean {
  return isAwsError(error, 'CredentialsProviderError') || (error instanceof Error && /could not load credentials/i.test(error.message));
}

function isRejectedCredentials(error: unknown): boolean {
  return isAwsError(
    error,
    'ExpiredToken',
    'ExpiredTokenException',
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'SignatureDoesNotMatch',
    'InvalidAccessKeyId',
  );
}

export function isNotInOrganization(error: unknown): boolean {
  return isAwsError(error, 'AWSOrganizationsNotInUseException', 'AWSOrganizationsNotInUse');
}

function isAccessDenied(error: unknown): boolean {
  return isAwsError(error, 'AccessDeniedException', 'AccessDenied');
}

/** The auditor's own credentials could not be used (sts:GetCallerIdentity failed). */
export function callerIdentitySetupError(error: unknown): AuditSetupError {
  if (isMissingCredentials(error)) {
    return new AuditSetupError(
      `No AWS credentials found: ${describeError(error)}. Pass --profile, set AWS_PROFILE or ` +
        'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role provides them (e.g. the Fargate task role).',
      { cause: error },
    );
  }
  if (isRejectedCredentials(error)) {
    return new AuditSetupError(
      `AWS rejected the credentials (${describeError(error)}): renew them (e.g. aws sso login) and run again.`,
      { cause: error },
    );
  }
  return new AuditSetupError(`Could not check the auditor's identity with sts:GetCallerIdentity: ${describeError(error)}`, { cause: error });
}

/** Organizations refused to list or describe the organization. */
export function organizationsSetupError(operation: 'ListAccounts' | 'DescribeOrganization', error: unknown): AuditSetupError {
  if (isNotInOrganization(error)) {
    return new AuditSetupError(
      `This account is not in an AWS Organization (${describeError(error)}): run the auditor with credentials ` +
        'of the management account or of a delegated administrator account of the organization to audit.',
      { cause: error },
    );
  }
  if (isAccessDenied(error)) {
    return new AuditSetupError(
      `Organizations denied ${operation}: run the auditor with credentials of the management account or of a ` +
        `delegated administrator account (${describeError(error)})`,
      { cause: error },
    );
  }
  if (isMissingCredentials(error) || isRejectedCredentials(error)) return callerIdentitySetupError(error);
  return new AuditSetupError(`Could not read the organization's accounts (${operation}): ${describeError(error)}`, { cause: error });
}

// The errors the simulated AWS throws: the SDK's own exception classes where the service models
// one, and otherwise the service's base exception with the wire error code as its name, which is
// what the SDK's deserializers produce for unmodelled codes. `$metadata` is filled in because the
// retry middleware reads it.
import { AccessDeniedException as CloudTrailAccessDeniedException, CloudTrailServiceException, ThrottlingException as CloudTrailThrottlingException } from '@aws-sdk/client-cloudtrail';
import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  IAMServiceException,
  LimitExceededException,
  NoSuchEntityException,
  ServiceFailureException,
} from '@aws-sdk/client-iam';
import {
  AccessDeniedException as OrganizationsAccessDeniedException,
  AWSOrganizationsNotInUseException,
  OrganizationsServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { NoSuchBucket, NoSuchKey, NoSuchUpload, S3ServiceException } from '@aws-sdk/client-s3';
import { AccessDeniedException as SecurityHubAccessDeniedException, SecurityHubServiceException, ThrottlingException as SecurityHubThrottlingException } from '@aws-sdk/client-securityhub';
import { ExpiredTokenException, STSServiceException } from '@aws-sdk/client-sts';
import { AccessDeniedException as SsoAdminAccessDeniedException, SSOAdminServiceException, ThrottlingException as SsoAdminThrottlingException } from '@aws-sdk/client-sso-admin';
import { AccessDeniedException as IdentityStoreAccessDeniedException, IdentitystoreServiceException, ThrottlingException as IdentityStoreThrottlingException } from '@aws-sdk/client-identitystore';
import type { ResponseMetadata } from '@smithy/types';

/** `sso` is IAM Identity Center's administration API (sso-admin), as its actions are named (`sso:ListInstances`). */
export type SimulatedService = 'organizations' | 'sts' | 'iam' | 'cloudtrail' | 's3' | 'securityhub' | 'sso' | 'identitystore';

/** Errors a fault can name; each maps to what the service really returns. */
export type SimulatedErrorCode =
  | 'AccessDenied'
  | 'Throttling'
  | 'ServiceFailure'
  | 'NoSuchEntity'
  | 'LimitExceeded'
  | 'ExpiredToken'
  | 'InvalidClientTokenId'
  | 'NotInOrganization'
  | 'ReportNotPresent'
  | 'ReportInProgress'
  | 'ReportExpired'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload';

let requestCounter = 0;

function metadata(httpStatusCode: number): ResponseMetadata {
  requestCounter += 1;
  return { httpStatusCode, requestId: `simulated-${requestCounter}`, attempts: 1, totalRetryDelay: 0 };
}

function serviceException(service: SimulatedService, name: string, message: string, status: number, fault: 'client' | 'server'): Error {
  const options = { name, message, $fault: fault, $metadata: metadata(status) };
  switch (service) {
    case 'organizations':
      return new OrganizationsServiceException(options);
    case 'sts':
      return new STSServiceException(options);
    case 'iam':
      return new IAMServiceException(options);
    case 'cloudtrail':
      return new CloudTrailServiceException(options);
    case 's3':
      return new S3ServiceException(options);
    case 'securityhub':
      return new SecurityHubServiceException(options);
    case 'sso':
      return new SSOAdminServiceException(options);
    case 'identitystore':
      return new IdentitystoreServiceException(options);
  }
}

/**
 * IAM and STS speak the query protocol: the SDK's errors then also carry the wire code in `Code`,
 * the fault in `Type` and the raw `Error` element; code that matches either name or code is
 * exercised as it would be against AWS.
 */
function withQueryProtocolFields(service: SimulatedService, error: Error, wireCode: string, fault: 'client' | 'server'): Error {
  if (service !== 'iam' && service !== 'sts') return error;
  const type = fault === 'client' ? 'Sender' : 'Receiver';
  return Object.assign(error, { Type: type, Code: wireCode, Error: { Type: type, Code: wireCode, Message: error.message } });
}

/** An error the service models no class for: its base exception named after the wire code. */
export function simulatedServiceError(service: SimulatedService, code: string, message: string, status = 400): Error {
  const fault = status >= 500 ? 'server' : 'client';
  return withQueryProtocolFields(service, serviceException(service, code, message, status, fault), code, fault);
}

export interface SimulatedErrorContext {
  service: SimulatedService;
  /** `iam:ListMFADevices`: the action named in access-denied messages. */
  action: string;
  /** The caller's ARN, as AWS names it in access-denied messages. */
  callerArn: string;
  /** The resource the call was about, when there is one. */
  resource?: string;
}

export function simulatedError(code: SimulatedErrorCode, context: SimulatedErrorContext): Error {
  const error = buildSimulatedError(code, context);
  const fault = code === 'ServiceFailure' ? 'server' : 'client';
  const wireCode = code === 'ServiceFailure' && context.service !== 'iam' ? 'InternalFailure' : code === 'ExpiredToken' && context.service === 'sts' ? 'ExpiredTokenException' : code;
  return withQueryProtocolFields(context.service, error, wireCode, fault);
}

function buildSimulatedError(code: SimulatedErrorCode, context: SimulatedErrorContext): Error {
  const { service, action, callerArn } = context;
  const resourcePart = context.resource ? ` on resource: ${context.resource}` : '';
  const denied = `User: ${callerArn} is not authorized to perform: ${action}${resourcePart}`;
  switch (code) {
    case 'AccessDenied':
      if (service === 'organizations') {
        return new OrganizationsAccessDeniedException({ message: "You don't have permissions to access this resource.", $metadata: metadata(400) });
      }
      if (service === 'securityhub') {
        return new SecurityHubAccessDeniedException({ message: `${denied} because no identity-based policy allows the ${action} action`, $metadata: metadata(403) });
      }
      if (service === 'cloudtrail') {
        return new CloudTrailAccessDeniedException({
          message: `${denied} because no identity-based policy allows the ${action} action`,
          $metadata: metadata(400),
        });
      }
      if (service === 'sso') return new SsoAdminAccessDeniedException({ message: `${denied} because no identity-based policy allows the ${action} action`, $metadata: metadata(400) });
      if (service === 'identitystore') return new IdentityStoreAccessDeniedException({ message: `${denied} because no identity-based policy allows the ${action} action`, $metadata: metadata(400) });
      return serviceException(service, 'AccessDenied', service === 'iam' ? `${denied} because no identity-based policy allows the ${action} action` : denied, 403, 'client');
    case 'Throttling':
      if (service === 'organizations') {
        return new TooManyRequestsException({ message: 'AWS Organizations can\'t complete your request because another request is already in progress. Try again later.', $metadata: metadata(400) });
      }
      if (service === 'cloudtrail') {
        return new CloudTrailThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) });
      }
      if (service === 'sso') return new SsoAdminThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) });
      if (service === 'identitystore') return new IdentityStoreThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) });
      if (service === 's3') return serviceException(service, 'SlowDown', 'Please reduce your request rate.', 503, 'server');
      if (service === 'securityhub') {
        return new SecurityHubThrottlingException({ message: 'Rate exceeded', $metadata: metadata(429) });
      }
      return serviceException(service, 'Throttling', 'Rate exceeded', 400, 'client');
    case 'ServiceFailure':
      if (service === 'iam') {
        return new ServiceFailureException({ message: 'The request processing has failed because of an unknown error, exception or failure.', $metadata: metadata(500) });
      }
      return serviceException(service, 'InternalFailure', 'The request processing has failed because of an unknown error.', 500, 'server');
    case 'NoSuchEntity':
      return new NoSuchEntityException({ message: `The entity ${context.resource ?? ''} cannot be found.`.replace('  ', ' '), $metadata: metadata(404) });
    case 'LimitExceeded':
      return new LimitExceededException({ message: 'Cannot generate the credential report: request limit exceeded.', $metadata: metadata(409) });
    case 'ExpiredToken':
      if (service === 'sts') {
        return new ExpiredTokenException({ message: 'The security token included in the request is expired', $metadata: metadata(400) });
      }
      return serviceException(service, service === 'cloudtrail' ? 'ExpiredTokenException' : 'ExpiredToken', 'The security token included in the request is expired', 403, 'client');
    case 'InvalidClientTokenId':
      return serviceException(service, service === 'cloudtrail' ? 'UnrecognizedClientException' : 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403, 'client');
    case 'NotInOrganization':
      return new AWSOrganizationsNotInUseException({ message: 'Your account is not a member of an organization.', $metadata: metadata(400) });
    case 'ReportNotPresent':
      return new CredentialReportNotPresentException({ message: 'Credential report not present. Use GenerateCredentialReport to generate a report.', $metadata: metadata(410) });
    case 'ReportInProgress':
      return new CredentialReportNotReadyException({ message: 'Credential report is being generated.', $metadata: metadata(404) });
    case 'ReportExpired':
      return new CredentialReportExpiredException({ message: 'Credential report has expired. Use GenerateCredentialReport to generate a new report.', $metadata: metadata(410) });
    case 'NoSuchBucket':
      return new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: metadata(404) });
    case 'NoSuchKey':
      return new NoSuchKey({ message: 'The specified key does not exist.', $metadata: metadata(404) });
    case 'NoSuchUpload':
      return new NoSuchUpload({ message: 'The specified upload does not exist.', $metadata: metadata(404) });
  }
}

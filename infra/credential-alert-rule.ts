// What a credential alert is, once: the events that make or unlock a long-lived credential, take a
// second factor away or use a root user, each kind with its EventBridge pattern and the readable
// message the central bus sends to the notification topic for it (who did what to whom, in which
// account, from where, when). Every account's rule forwards the union of the kinds' patterns.
//
// IAM is global: its CloudTrail events, sign-ins included, reach EventBridge only in the partition's
// IAM region (us-east-1 in the aws partition), so each account's rule lives there, whatever region
// the rest of the deployment is in.

export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const CONSOLE_SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';

/** The rule's name in every account (the member template's and the management account's). */
export const CREDENTIAL_ALERT_RULE_NAME = 'iam-audit-credential-alerts';

export interface CredentialAlertKind {
  /** Names the central bus's rule for it: `credential-alert-<id>`. */
  id: string;
  eventNames: readonly string[];
  /** The `detail` fields besides the event source and name that an event must match. */
  detail: Record<string, unknown>;
  source: 'aws.iam' | 'aws.signin';
  /** What happened, with `<user>`, `<key>`, `<device>`, `<result>`, `<mfa>` from `paths`. */
  what: string;
  paths: Readonly<Record<string, string>>;
}

// A call refused (by an SCP, say) made nothing: only successful calls alert.
const SUCCEEDED = { errorCode: [{ exists: false }] };

export const CREDENTIAL_ALERT_KINDS: readonly CredentialAlertKind[] = [
  {
    id: 'access-key-created',
    source: 'aws.iam',
    eventNames: ['CreateAccessKey'],
    detail: SUCCEEDED,
    what: 'access key <key> created for IAM user <user>',
    // The answer names the user even when a user creates its own key without naming itself.
    paths: { user: '$.detail.responseElements.accessKey.userName', key: '$.detail.responseElements.accessKey.accessKeyId' },
  },
  {
    id: 'access-key-reactivated',
    source: 'aws.iam',
    eventNames: ['UpdateAccessKey'],
    // Deactivating a key is the fix, not an alert.
    detail: { ...SUCCEEDED, requestParameters: { status: ['Active'] } },
    what: 'access key <key> of IAM user <user> made active again',
    paths: { user: '$.detail.requestParameters.userName', key: '$.detail.requestParameters.accessKeyId' },
  },
  {
    id: 'console-password-set',
    source: 'aws.iam',
    eventNames: ['CreateLoginProfile', 'UpdateLoginProfile'],
    detail: SUCCEEDED,
    what: 'console password set for IAM user <user>',
    paths: { user: '$.detail.requestParameters.userName' },
  },
  {
    id: 'user-created',
    source: 'aws.iam',
    eventNames: ['CreateUser'],
    detail: SUCCEEDED,
    what: 'IAM user <user> created',
    paths: { user: '$.detail.requestParameters.userName' },
  },
  {
    id: 'mfa-removed',
    source: 'aws.iam',
    eventNames: ['DeactivateMFADevice', 'DeleteVirtualMFADevice'],
    detail: SUCCEEDED,
    what: 'MFA device <device> removed (IAM user <user>)',
    paths: { user: '$.detail.requestParameters.userName', device: '$.detail.requestParameters.serialNumber' },
  },
  {
    id: 'root-sign-in',
    source: 'aws.signin',
    eventNames: ['ConsoleLogin'],
    // Failed ones too: someone has the root user's password, or is trying it.
    detail: { userIdentity: { type: ['Root'] } },
    what: 'root user console sign-in: <result>, MFA used: <mfa>',
    paths: { result: '$.detail.responseElements.ConsoleLogin', mfa: '$.detail.additionalEventData.MFAUsed' },
  },
];

/** Every event name that can alert. */
export function credentialAlertEventNames(): string[] {
  return CREDENTIAL_ALERT_KINDS.flatMap((kind) => kind.eventNames);
}

function kindDetail(kind: CredentialAlertKind): Record<string, unknown> {
  return { eventSource: [kind.source === 'aws.iam' ? 'iam.amazonaws.com' : 'signin.amazonaws.com'], eventName: [...kind.eventNames], ...kind.detail };
}

/** The central bus's pattern for one kind. */
export function credentialAlertKindPattern(kind: CredentialAlertKind): Record<string, unknown> {
  return {
    source: [kind.source],
    'detail-type': [kind.source === 'aws.iam' ? API_CALL_DETAIL_TYPE : CONSOLE_SIGN_IN_DETAIL_TYPE],
    detail: kindDetail(kind),
  };
}

/** Every account's rule: any kind's events, forwarded as they are to the central bus. */
export function credentialAlertPattern(): Record<string, unknown> {
  return {
    source: [...new Set(CREDENTIAL_ALERT_KINDS.map((kind) => kind.source))],
    'detail-type': [API_CALL_DETAIL_TYPE, CONSOLE_SIGN_IN_DETAIL_TYPE],
    detail: { $or: CREDENTIAL_ALERT_KINDS.map(kindDetail) },
  };
}

/** The fields every message has: who, in which account, from where, when, through what. */
const COMMON_PATHS: Readonly<Record<string, string>> = {
  eventName: '$.detail.eventName',
  actor: '$.detail.userIdentity.arn',
  account: '$.detail.recipientAccountId',
  sourceIp: '$.detail.sourceIPAddress',
  userAgent: '$.detail.userAgent',
  time: '$.detail.eventTime',
};

export interface InputTransformer {
  inputPaths: Record<string, string>;
  /** A JSON string (SNS gets plain text); EventBridge escapes the values it puts in. */
  inputTemplate: string;
}

export function credentialAlertTransformer(kind: CredentialAlertKind): InputTransformer {
  return {
    inputPaths: { ...COMMON_PATHS, ...kind.paths },
    inputTemplate: `"IAM Audit Kit alert: ${kind.what}, in account <account> by <actor> from <sourceIp> at <time> (<eventName>, <userAgent>)"`,
  };
}

/** The region IAM's events arrive in, for any region of the same partition. */
export function iamEventsRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('cn-')) return 'cn-north-1';
  if (/^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/.test(region)) return 'us-east-1';
  throw new Error(`where IAM's events arrive in the partition of ${region} is not known to this program`);
}

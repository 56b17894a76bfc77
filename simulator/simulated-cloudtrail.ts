// The simulated CloudTrail: LookupEvents over the account's events in the region asked, with one
// lookup attribute at most, and each event's CloudTrailEvent JSON written as CloudTrail writes it.
import { okMetadata, page, pageSize, type ResolvedEvent, type SimulatedAccounts } from './simulated-account-state';
import { simulatedServiceError } from './simulated-errors';
import type { SimulatedOrganizationOptions } from './simulated-specs';

export class SimulatedCloudTrail {
  constructor(
    private readonly partition: string,
    private readonly accounts: SimulatedAccounts,
    private readonly options: SimulatedOrganizationOptions,
  ) {}

  answer(operation: string, accountId: string, region: string, input: Record<string, unknown>): object | undefined {
    return operation === 'LookupEvents' ? this.lookupEvents(accountId, region, input) : undefined;
  }

  private lookupEvents(accountId: string, region: string, input: Record<string, unknown>): object {
    const attributes = Array.isArray(input.LookupAttributes) ? (input.LookupAttributes as { AttributeKey?: string; AttributeValue?: string }[]) : [];
    if (attributes.length > 1) {
      throw simulatedServiceError('cloudtrail', 'InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
    }
    const start = input.StartTime instanceof Date ? input.StartTime.getTime() : -Infinity;
    const end = input.EndTime instanceof Date ? input.EndTime.getTime() : Infinity;
    const attribute = attributes[0];
    const matching = this.accounts.data(accountId).events.filter((event) => {
      if (event.region !== region) return false;
      const time = event.time.getTime();
      if (time < start || time > end) return false;
      if (!attribute) return true;
      switch (attribute.AttributeKey) {
        case 'EventSource':
          return event.source === attribute.AttributeValue;
        case 'EventName':
          return event.spec.eventName === attribute.AttributeValue;
        case 'Username':
          return (event.spec.username ?? '') === attribute.AttributeValue;
        case 'EventId':
          return event.id === attribute.AttributeValue;
        case 'ResourceName':
          return (event.spec.resources ?? []).some((resource) => resource.name === attribute.AttributeValue);
        default:
          return false;
      }
    });
    const { items, next } = page('cloudtrail', matching, input.NextToken, pageSize(this.options, 'cloudTrail', input.MaxResults));
    return { $metadata: okMetadata(), NextToken: next, Events: items.map((event) => this.eventShape(accountId, event)) };
  }

  /** A `UserAuthentication` event as Identity Center writes it in its home region: a service event on behalf of an identity store user. */
  private identityCenterSignIn(accountId: string, event: ResolvedEvent, user: { userId: string; userName: string; credentialType?: string }): object {
    const identityStoreId = this.options.identityCenter?.identityStoreId ?? 'd-9067000001';
    const cloudTrailEvent = {
      eventVersion: '1.08',
      userIdentity: {
        type: 'Unknown',
        principalId: accountId,
        arn: '',
        accountId,
        accessKeyId: '',
        userName: user.userName,
        onBehalfOf: { userId: user.userId, identityStoreArn: `arn:${this.partition}:identitystore::${accountId}:identitystore/${identityStoreId}` },
        credentialId: `${user.userId.slice(0, 8)}-credential`,
      },
      eventTime: event.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: event.source,
      eventName: event.spec.eventName,
      awsRegion: event.region,
      sourceIPAddress: event.spec.sourceIPAddress ?? '203.0.113.10',
      userAgent: 'Mozilla/5.0',
      requestParameters: null,
      responseElements: null,
      additionalEventData: { AuthWorkflowID: `${event.id}-workflow`, CredentialType: user.credentialType ?? 'PASSWORD' },
      eventID: event.id,
      readOnly: false,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: accountId,
      serviceEventDetails: { UserAuthentication: event.spec.errorCode === undefined ? 'Success' : 'Failure' },
    };
    return {
      EventId: event.id,
      EventName: event.spec.eventName,
      ReadOnly: 'false',
      EventTime: event.time,
      EventSource: event.source,
      Username: user.userName,
      Resources: [],
      CloudTrailEvent: JSON.stringify(cloudTrailEvent),
    };
  }

  private eventShape(accountId: string, event: ResolvedEvent): object {
    const { spec } = event;
    if (spec.identityCenterUser !== undefined) return this.identityCenterSignIn(accountId, event, spec.identityCenterUser);
    const isRoot = spec.username === 'root';
    const userIdentity = isRoot
      ? { type: 'Root', principalId: accountId, arn: `arn:${this.partition}:iam::${accountId}:root`, accountId }
      : { type: 'IAMUser', principalId: `AIDA${accountId}`, arn: `arn:${this.partition}:iam::${accountId}:user/${spec.username ?? 'unknown'}`, accountId, userName: spec.username };
    const isLogin = spec.eventName === 'ConsoleLogin';
    const cloudTrailEvent = {
      eventVersion: '1.09',
      userIdentity,
      eventTime: event.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: event.source,
      eventName: spec.eventName,
      awsRegion: event.region,
      sourceIPAddress: spec.sourceIPAddress ?? '203.0.113.10',
      userAgent: isLogin ? 'Mozilla/5.0' : 'aws-cli/2.15.0',
      ...(spec.errorCode ? { errorCode: spec.errorCode, errorMessage: 'Failed' } : {}),
      requestParameters: isLogin ? null : { userName: spec.resources?.find((resource) => resource.type === 'AWS::IAM::User')?.name },
      responseElements: isLogin ? { ConsoleLogin: spec.consoleLogin ?? 'Success' } : null,
      ...(isLogin ? { additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com/' } } : {}),
      eventID: event.id,
      readOnly: false,
      eventType: isLogin ? 'AwsConsoleSignIn' : 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
    };
    return {
      EventId: event.id,
      EventName: spec.eventName,
      ReadOnly: 'false',
      EventTime: event.time,
      EventSource: event.source,
      Username: spec.username,
      Resources: (spec.resources ?? []).map((resource) => ({ ResourceType: resource.type, ResourceName: resource.name })),
      CloudTrailEvent: JSON.stringify(cloudTrailEvent),
    };
  }
}

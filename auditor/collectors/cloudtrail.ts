// The remediation timeline of one account from CloudTrail's 90-day event history: IAM changes to
// users, keys, passwords and MFA, and successful root console sign-ins. IAM is a global service, so
// its events are recorded in us-east-1 only; the caller's client decides the region.
// LookupEvents allows 2 calls per second per account and region; calls are paced to stay under it.
// IAM events are looked up by source (one lookup for all of them), or by name when the history
// proves long; root sign-ins by the event name ConsoleLogin.

import { LookupEventsCommand, type CloudTrailClient, type Event, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailEventRecord } from '../model';
import { createCallPacer, type CallPacer, type Clock } from '../aws/rate-limit';
import { daysBefore } from '../analysis/facts';
import { defineAccountCollector } from './account-collector';

export const CLOUDTRAIL_COLLECTOR_ACTIONS = ['cloudtrail:LookupEvents'] as const;

const IAM_EVENT_SOURCE = 'iam.amazonaws.com';

/** IAM events that create, change or remove a long-lived credential or console access. */
export const IAM_REMEDIATION_EVENT_NAMES: readonly string[] = [
  'CreateAccessKey',
  'DeleteAccessKey',
  'UpdateAccessKey',
  'CreateUser',
  'DeleteUser',
  'CreateLoginProfile',
  'DeleteLoginProfile',
  'EnableMFADevice',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
];

export const ROOT_CONSOLE_LOGIN_EVENT_NAME = 'ConsoleLogin';

/** Every event name the timeline can hold; `ConsoleLogin` only for successful root sign-ins. */
export const REMEDIATION_EVENT_NAMES: readonly string[] = [...IAM_REMEDIATION_EVENT_NAMES, ROOT_CONSOLE_LOGIN_EVENT_NAME];

/** The CloudTrail quota for LookupEvents: 2 calls per second per account and region. */
export const LOOKUP_EVENTS_CALLS_PER_SECOND = 2;

const MAX_RESULTS_PER_PAGE = 50;

/**
 * Pages of all IAM events read before looking up the remediation events by name instead. One
 * lookup by source is cheapest in a quiet account, but the history also holds every read-only IAM
 * call (this audit's own among them), so in a busy account it runs to thousands of pages; ten
 * lookups by name then cost a few calls each.
 */
const SOURCE_LOOKUP_PAGE_BUDGET = 10;

export interface CollectRemediationEventsOptions {
  accountId: string;
  accountName: string;
  startTime: Date;
  endTime: Date;
  /** Time source for pacing; injected so tests need not wait. */
  clock?: Clock;
}

type EventDetail = Record<string, unknown>;

function parseEventDetail(json: string | undefined): EventDetail | null {
  if (!json) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as EventDetail) : null;
  } catch {
    return null;
  }
}

function field(detail: EventDetail | null, ...path: string[]): string | undefined {
  let value: unknown = detail;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' ? value : undefined;
}

async function* lookupEventPages(
  cloudTrail: CloudTrailClient,
  attribute: LookupAttribute,
  options: CollectRemediationEventsOptions,
  pacer: CallPacer,
): AsyncGenerator<{ events: Event[]; more: boolean }> {
  let nextToken: string | undefined;
  do {
    await pacer.waitForTurn();
    const page = await cloudTrail.send(
      new LookupEventsCommand({
        LookupAttributes: [attribute],
        StartTime: options.startTime,
        EndTime: options.endTime,
        MaxResults: MAX_RESULTS_PER_PAGE,
        NextToken: nextToken,
      }),
    );
    if (page.NextToken !== undefined && page.NextToken === nextToken) {
      throw new Error(`LookupEvents returned the same page token twice (${attribute.AttributeKey}=${attribute.AttributeValue})`);
    }
    nextToken = page.NextToken || undefined;
    yield { events: page.Events ?? [], more: nextToken !== undefined };
  } while (nextToken);
}

function isRootIdentity(event: Event, detail: EventDetail | null): boolean {
  return detail ? field(detail, 'userIdentity', 'type') === 'Root' : event.Username === 'root';
}

function toRecord(event: Event, detail: EventDetail | null, options: CollectRemediationEventsOptions): CloudTrailEventRecord {
  const eventTime = event.EventTime ?? field(detail, 'eventTime');
  const resources = (event.Resources ?? [])
    .map((resource) => resource.ResourceName)
    .filter((name): name is string => typeof name === 'string' && name !== '');
  return {
    eventId: event.EventId ?? field(detail, 'eventID') ?? '',
    eventTime: eventTime !== undefined && !Number.isNaN(new Date(eventTime).getTime()) ? new Date(eventTime).toISOString() : '',
    eventName: event.EventName ?? field(detail, 'eventName') ?? '',
    eventSource: field(detail, 'eventSource') ?? event.EventSource ?? '',
    username: isRootIdentity(event, detail)
      ? 'root'
      : (event.Username ?? field(detail, 'userIdentity', 'userName') ?? field(detail, 'userIdentity', 'arn') ?? ''),
    accountId: options.accountId,
    accountName: options.accountName,
    resources: [...new Set(resources)],
    sourceIPAddress: field(detail, 'sourceIPAddress') ?? '',
    ...accessKeyStatus(detail),
  };
}

/** The status an UpdateAccessKey set, from its request parameters; absent when the event does not say. */
function accessKeyStatus(detail: EventDetail | null): Pick<CloudTrailEventRecord, 'accessKeyStatus'> {
  if (field(detail, 'eventName') !== 'UpdateAccessKey') return {};
  const status = field(detail, 'requestParameters', 'status');
  return status === 'Active' || status === 'Inactive' ? { accessKeyStatus: status } : {};
}

/**
 * An IAM event is kept when it is a remediation event that succeeded (a denied CreateAccessKey
 * changed nothing). An event whose JSON cannot be read is kept with what is known.
 */
function isRemediationIamEvent(event: Event, detail: EventDetail | null): boolean {
  const name = event.EventName ?? field(detail, 'eventName');
  return name !== undefined && IAM_REMEDIATION_EVENT_NAMES.includes(name) && field(detail, 'errorCode') === undefined;
}

/**
 * Only successful sign-ins of the root user. When the event's JSON cannot be read, a sign-in the
 * event history attributes to `root` is kept: a root sign-in is worth a look even if its outcome
 * is unknown.
 */
function isSuccessfulRootConsoleLogin(event: Event, detail: EventDetail | null): boolean {
  if (detail === null) return event.Username === 'root';
  return field(detail, 'userIdentity', 'type') === 'Root' && field(detail, 'responseElements', 'ConsoleLogin') === 'Success';
}

/** Throws when a lookup fails; the caller marks the account partial. */
export async function collectRemediationEvents(
  cloudTrail: CloudTrailClient,
  options: CollectRemediationEventsOptions,
): Promise<CloudTrailEventRecord[]> {
  const pacer = createCallPacer({ maxCalls: LOOKUP_EVENTS_CALLS_PER_SECOND, intervalMs: 1000, clock: options.clock });
  const collect = async (
    attribute: LookupAttribute,
    keep: (event: Event, detail: EventDetail | null) => boolean,
    pageBudget = Infinity,
  ): Promise<{ records: CloudTrailEventRecord[]; complete: boolean }> => {
    const records: CloudTrailEventRecord[] = [];
    let pages = 0;
    for await (const page of lookupEventPages(cloudTrail, attribute, options, pacer)) {
      for (const event of page.events) {
        const detail = parseEventDetail(event.CloudTrailEvent);
        if (keep(event, detail)) records.push(toRecord(event, detail, options));
      }
      pages += 1;
      if (page.more && pages >= pageBudget) return { records, complete: false };
    }
    return { records, complete: true };
  };
  const collectIamEvents = async (): Promise<CloudTrailEventRecord[]> => {
    const bySource = await collect({ AttributeKey: 'EventSource', AttributeValue: IAM_EVENT_SOURCE }, isRemediationIamEvent, SOURCE_LOOKUP_PAGE_BUDGET);
    if (bySource.complete) return bySource.records;
    const byName = await Promise.all(
      IAM_REMEDIATION_EVENT_NAMES.map((name) => collect({ AttributeKey: 'EventName', AttributeValue: name }, isRemediationIamEvent)),
    );
    return [...bySource.records, ...byName.flatMap((lookup) => lookup.records)];
  };
  const [iamEvents, rootLogins] = await Promise.all([
    collectIamEvents(),
    collect({ AttributeKey: 'EventName', AttributeValue: ROOT_CONSOLE_LOGIN_EVENT_NAME }, isSuccessfulRootConsoleLogin).then(
      (lookup) => lookup.records,
    ),
  ]);

  const byId = new Map<string, CloudTrailEventRecord>();
  const withoutId: CloudTrailEventRecord[] = [];
  for (const record of [...iamEvents, ...rootLogins]) {
    if (record.eventId === '') withoutId.push(record);
    else byId.set(record.eventId, record);
  }
  return [...byId.values(), ...withoutId].sort(
    (a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
  );
}

/** The registry's entry (registry.ts): with CloudTrail enabled, fills `events` from its region's event history. */
export const cloudTrailCollector = defineAccountCollector({
  name: 'CloudTrail',
  collects: "the remediation timeline: IAM changes to users, keys, passwords and MFA, and the root user's console sign-ins, over the last --since-days",
  actions: { auditRole: CLOUDTRAIL_COLLECTOR_ACTIONS, management: [] },
  runsWhen: (settings) => settings.cloudTrail.enabled,
  async collect({ account, clients, now, settings }) {
    const events = await collectRemediationEvents(clients.cloudTrail(settings.cloudTrail.region), {
      accountId: account.id,
      accountName: account.name,
      startTime: daysBefore(now, settings.cloudTrail.sinceDays),
      endTime: now,
    });
    return { value: events, errors: [] };
  },
  fill: (events: CloudTrailEventRecord[]) => ({ events }),
  unavailable: { events: [] },
  failedStep: 'CloudTrail LookupEvents failed',
});

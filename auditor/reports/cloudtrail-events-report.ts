// cloudtrail_events_<ts>.csv: the seed's columns plus where the call came from, oldest first so
// the file reads as a remediation timeline.
import type { AuditRun, CloudTrailEventRecord } from '../model';
import type { ColumnKinds } from './column-kinds';
import { csvChunks } from './csv';
import { defineCsvReport, plainRows } from './csv-report';

export const CLOUDTRAIL_EVENTS_HEADER = [
  'eventTime',
  'eventName',
  'username',
  'account_id',
  'account_name',
  'resources',
  'eventSource',
  'sourceIPAddress',
] as const;

export const CLOUDTRAIL_EVENTS_COLUMN_KINDS: ColumnKinds<typeof CLOUDTRAIL_EVENTS_HEADER> = { eventTime: 'date', account_id: 'id', resources: 'prose' };

function orderedEvents(run: AuditRun): CloudTrailEventRecord[] {
  const events: CloudTrailEventRecord[] = run.accounts.flatMap((account) => account.events);
  // Stable sort: events of the same second keep the order the collector gave them.
  return events.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
}

function eventRow(event: CloudTrailEventRecord): string[] {
  return [
    event.eventTime,
    event.eventName,
    event.username,
    event.accountId,
    event.accountName,
    event.resources.join(';'),
    event.eventSource,
    event.sourceIPAddress,
  ];
}

/** The rows in order, each built as it is read: the events are ordered once. */
export function* cloudTrailEventRowStream(run: AuditRun): Generator<string[]> {
  for (const event of orderedEvents(run)) yield eventRow(event);
}

/** The file in pieces, its rows built as they are written. */
export function cloudTrailEventsCsvChunks(run: AuditRun): Generator<string> {
  return csvChunks(CLOUDTRAIL_EVENTS_HEADER, cloudTrailEventRowStream(run));
}

export const CLOUDTRAIL_EVENTS_REPORT = defineCsvReport({
  stem: 'cloudtrail_events',
  header: CLOUDTRAIL_EVENTS_HEADER,
  kinds: CLOUDTRAIL_EVENTS_COLUMN_KINDS,
  sheet: 'CloudTrail events',
  rows: (run) => plainRows(cloudTrailEventRowStream(run)),
});

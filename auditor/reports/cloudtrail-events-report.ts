// cloudtrail_events_<ts>.csv: the seed's columns plus where the call came from, oldest first so
// the file reads as a remediation timeline.
import type { AuditRun, CloudTrailEventRecord } from '../model';
import { toCsv } from './csv';

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

export function cloudTrailEventRows(run: AuditRun): string[][] {
  const events: CloudTrailEventRecord[] = run.accounts.flatMap((account) => account.events);
  // Stable sort: events of the same second keep the order the collector gave them.
  const ordered = [...events].sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  return ordered.map((event) => [
    event.eventTime,
    event.eventName,
    event.username,
    event.accountId,
    event.accountName,
    event.resources.join(';'),
    event.eventSource,
    event.sourceIPAddress,
  ]);
}

export function cloudTrailEventsCsv(run: AuditRun): string {
  return toCsv(CLOUDTRAIL_EVENTS_HEADER, cloudTrailEventRows(run));
}

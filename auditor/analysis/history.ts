// A short history of runs (`history.json` beside the reports) so the dashboard can draw the trend
// across months without reading every old report. One entry per run, newest last, capped.
import { countBySeverity, type Finding, type FindingCounts } from './findings';
import type { MaturitySummary } from './maturity';
import type { AuditRun } from '../model';
import { coverageCounts } from './facts';
import { parseJsonFile } from '../values/json-text';

export const HISTORY_FILE_NAME = 'history.json';
export const HISTORY_VERSION = 1;
/** About two years of monthly runs, or a quarter of daily ones; the file stays a few kilobytes. */
export const MAX_HISTORY_ENTRIES = 100;

export interface HistoryEntry {
  runTimestamp: string;
  /** The run's id (AuditRun.runId): with the timestamp, one entry per run even for runs of one second. Absent in entries of older auditors. */
  runId?: string;
  startedAt: string;
  accountsInScope: number;
  accountsAudited: number;
  consoleUsers: number;
  consoleUsersWithoutMfa: number;
  activeAccessKeys: number;
  keysOlderThanMaxAge: number;
  findings: FindingCounts;
}

export interface RunHistory {
  version: number;
  entries: HistoryEntry[];
}

export function historyEntry(run: AuditRun, findings: readonly Finding[], maturity: MaturitySummary): HistoryEntry {
  const coverage = coverageCounts(run.accounts);
  const { indicators } = maturity.organization;
  return {
    runTimestamp: run.runTimestamp,
    ...(run.runId === undefined ? {} : { runId: run.runId }),
    startedAt: run.startedAt,
    accountsInScope: coverage.inScope,
    accountsAudited: coverage.audited,
    consoleUsers: indicators.consoleUsers,
    consoleUsersWithoutMfa: indicators.consoleUsers - indicators.consoleUsersWithMfa,
    activeAccessKeys: indicators.activeAccessKeys,
    keysOlderThanMaxAge: indicators.keysOlderThanMaxAge,
    findings: countBySeverity(findings),
  };
}

/** True when `entry` is the entry of `run`: the same timestamp and the same id (or neither has one). */
export function isEntryOf(entry: Pick<HistoryEntry, 'runTimestamp' | 'runId'>, run: Pick<HistoryEntry, 'runTimestamp' | 'runId'>): boolean {
  return entry.runTimestamp === run.runTimestamp && entry.runId === run.runId;
}

/** Adds (or replaces, for the same run written again) the entry, oldest first, keeping the newest `cap`. */
export function appendToHistory(history: RunHistory, entry: HistoryEntry, cap: number = MAX_HISTORY_ENTRIES): RunHistory {
  const entries = history.entries.filter((existing) => !isEntryOf(existing, entry));
  entries.push(entry);
  entries.sort((a, b) => a.runTimestamp.localeCompare(b.runTimestamp) || (a.runId ?? '').localeCompare(b.runId ?? ''));
  return { version: HISTORY_VERSION, entries: entries.slice(-cap) };
}

/**
 * Two copies of the history (the local file and the bucket's, or the file as another run just
 * left it) as one: every entry of either, one per run, oldest first, the newest `cap` kept.
 * Neither copy replaces the other, so no run's entry is lost to a run that did not see it.
 */
export function mergeHistories(first: RunHistory, second: RunHistory, cap: number = MAX_HISTORY_ENTRIES): RunHistory {
  let merged: RunHistory = { version: HISTORY_VERSION, entries: [...first.entries] };
  for (const entry of second.entries) merged = appendToHistory(merged, entry, Number.MAX_SAFE_INTEGER);
  return { version: HISTORY_VERSION, entries: merged.entries.slice(-cap) };
}

export function emptyHistory(): RunHistory {
  return { version: HISTORY_VERSION, entries: [] };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const findings = entry.findings as Record<string, unknown> | null | undefined;
  return (
    typeof entry.runTimestamp === 'string' &&
    (entry.runId === undefined || (typeof entry.runId === 'string' && /^[0-9a-f]{6}$/.test(entry.runId))) &&
    typeof entry.startedAt === 'string' &&
    ['accountsInScope', 'accountsAudited', 'consoleUsers', 'consoleUsersWithoutMfa', 'activeAccessKeys', 'keysOlderThanMaxAge'].every((field) => isCount(entry[field])) &&
    typeof findings === 'object' && findings !== null &&
    ['critical', 'high', 'medium', 'low'].every((severity) => isCount(findings[severity]))
  );
}

/** Reads a history file; a damaged one is an error naming the file (the caller decides to start over). */
export function parseHistory(text: string, source: string): RunHistory {
  const parsed = parseJsonFile(text, source, (message) => new Error(message));
  const history = parsed as Partial<RunHistory> | null;
  if (typeof history !== 'object' || history === null || history.version !== HISTORY_VERSION || !Array.isArray(history.entries)) {
    throw new Error(`${source}: not a run history of version ${HISTORY_VERSION}`);
  }
  const bad = history.entries.findIndex((entry) => !isEntry(entry));
  if (bad >= 0) throw new Error(`${source}: entries[${bad}] is not a run history entry`);
  return { version: HISTORY_VERSION, entries: history.entries };
}

export function serializeHistory(history: RunHistory): string {
  return `${JSON.stringify(history, null, 2)}\n`;
}

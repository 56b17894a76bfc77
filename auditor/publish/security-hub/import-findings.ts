// `--security-hub`: the run's findings imported into Security Hub in the auditor's own account and
// region, with a lifecycle. Security Hub splits a finding between two callers: the provider's
// BatchImportFindings owns its facts, RecordState and Compliance.Status; once the finding exists,
// Workflow and Note belong to BatchUpdateFindings and an import cannot change them. So:
// - every finding of the run is imported ACTIVE and FAILED (a finding that was archived and comes
//   back is reactivated, and Security Hub itself puts a resolved workflow back to NEW);
// - an open finding of this auditor that the run no longer produces is imported again ARCHIVED and
//   PASSED, then resolved with a note, but only when its account was audited completely in this
//   run: an account that failed, was partial or was left out by --accounts proves nothing fixed;
// - a muted finding is suppressed with the exemption's reason and expiry in its note, and set back
//   to NEW when it is no longer muted (only when the suppression was ours, not a person's).
// Calls go out in batches of 100 (the API's maximum), paced under the documented rates, and the
// SDK's adaptive retry rides out throttling. What Security Hub refuses is returned by finding id.
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, GetFindingsCommand, type AwsSecurityFinding, type SecurityHubClient, type WorkflowStatus } from '@aws-sdk/client-securityhub';
import { RunUsers, type Finding } from '../../analysis/findings';
import type { AuditRun } from '../../model';
import { coverageClass } from '../../analysis/facts';
import { createCallPacer, systemClock, type CallPacer, type Clock } from '../../aws/rate-limit';
import { errorMessage } from '../../values/error-text';
import { archivedAsffFinding, auditedAccountOf, defaultProductArn, FINDING_ID_PREFIX, securityHubFindingId, toAsffFinding, type SecurityHubTarget } from './asff';

/** Authorized on the product (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`). */
export const SECURITY_HUB_IMPORT_ACTIONS = ['securityhub:BatchImportFindings'] as const;
/** Authorized on the account's hub (`arn:<partition>:securityhub:<region>:<account>:hub/default`). */
export const SECURITY_HUB_HUB_ACTIONS = ['securityhub:GetFindings', 'securityhub:BatchUpdateFindings'] as const;
/** What the auditor's own credentials need for `--security-hub`; the deployment grants them when enabled. */
export const SECURITY_HUB_ACTIONS = [...SECURITY_HUB_IMPORT_ACTIONS, ...SECURITY_HUB_HUB_ACTIONS] as const;
export type SecurityHubAction = (typeof SECURITY_HUB_ACTIONS)[number];

/** The most findings BatchImportFindings and BatchUpdateFindings take in one call, and GetFindings returns. */
export const MAX_FINDINGS_PER_CALL = 100;

/**
 * Calls a second, per the Security Hub API reference: BatchImportFindings and BatchUpdateFindings
 * 10 (burst 30), GetFindings 3 (burst 6). Paced at the sustained rate, so a large import never
 * leans on the burst and retries.
 */
export const SECURITY_HUB_CALLS_PER_SECOND = { BatchImportFindings: 10, BatchUpdateFindings: 10, GetFindings: 3 } as const;

/** `Note.UpdatedBy` of the notes this auditor writes; a suppression with another author is a person's and left alone. */
export const NOTE_AUTHOR = 'iam-audit';
const MAX_NOTE = 512;

export type SecurityHubOperation = 'GetFindings' | 'BatchImportFindings' | 'BatchUpdateFindings';

/** A finding Security Hub did not take, and why. */
export interface SecurityHubFailure {
  id: string;
  operation: SecurityHubOperation;
  reason: string;
}

export interface SecurityHubImportResult {
  productArn: string;
  /** Findings of this run imported ACTIVE. */
  imported: number;
  /** Open findings no longer produced, archived and resolved. */
  archived: number;
  /** Muted findings suppressed (or their note renewed) in this run. */
  suppressed: number;
  /** Findings whose suppression by this auditor was lifted because they are no longer muted. */
  unsuppressed: number;
  failures: SecurityHubFailure[];
}

export interface SecurityHubImportOptions {
  run: AuditRun;
  findings: readonly Finding[];
  target: SecurityHubTarget;
  /** The import's clock (`UpdatedAt`); default the system clock. */
  now?: () => Date;
  /** The pacing clock; tests replace it. */
  clock?: Clock;
}

/** The run has no way to import when this fails (Security Hub not enabled, no permission): the message says so. */
export class SecurityHubImportError extends Error {
  override readonly name = 'SecurityHubImportError';
}

function batches<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += MAX_FINDINGS_PER_CALL) result.push(items.slice(start, start + MAX_FINDINGS_PER_CALL));
  return result;
}

type Pacers = Record<SecurityHubOperation, CallPacer>;

function pacers(clock: Clock): Pacers {
  const pace = (operation: SecurityHubOperation) => createCallPacer({ maxCalls: SECURITY_HUB_CALLS_PER_SECOND[operation], intervalMs: 1000, clock });
  return { GetFindings: pace('GetFindings'), BatchImportFindings: pace('BatchImportFindings'), BatchUpdateFindings: pace('BatchUpdateFindings') };
}

/** The open (ACTIVE) findings of this auditor in the product, by id. */
async function readOpenFindings(client: SecurityHubClient, productArn: string, turns: CallPacer): Promise<Map<string, AwsSecurityFinding>> {
  const open = new Map<string, AwsSecurityFinding>();
  let nextToken: string | undefined;
  do {
    await turns.waitForTurn();
    const page = await client.send(
      new GetFindingsCommand({
        Filters: {
          ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
          GeneratorId: [{ Value: FINDING_ID_PREFIX, Comparison: 'PREFIX' }],
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        },
        MaxResults: MAX_FINDINGS_PER_CALL,
        NextToken: nextToken,
      }),
    );
    for (const finding of page.Findings ?? []) if (finding.Id?.startsWith(FINDING_ID_PREFIX)) open.set(finding.Id, finding);
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return open;
}

/** Imports the findings in batches; returns the ids Security Hub took. */
async function importBatches(client: SecurityHubClient, findings: readonly AwsSecurityFinding[], turns: CallPacer, failures: SecurityHubFailure[]): Promise<Set<string>> {
  const accepted = new Set<string>();
  for (const batch of batches(findings)) {
    await turns.waitForTurn();
    const ids = batch.map((finding) => finding.Id ?? '');
    try {
      const answer = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
      const failed = new Map((answer.FailedFindings ?? []).map((failure) => [failure.Id ?? '', `${failure.ErrorCode ?? 'error'}: ${failure.ErrorMessage ?? 'no reason given'}`]));
      for (const id of ids) {
        const reason = failed.get(id);
        if (reason === undefined) accepted.add(id);
        else failures.push({ id, operation: 'BatchImportFindings', reason });
      }
    } catch (error) {
      const reason = errorMessage(error);
      for (const id of ids) failures.push({ id, operation: 'BatchImportFindings', reason });
    }
  }
  return accepted;
}

interface WorkflowUpdate {
  status: WorkflowStatus;
  note: string;
  ids: string[];
}

/** Applies each update in batches; returns how many findings each update changed. */
async function updateWorkflows(client: SecurityHubClient, productArn: string, updates: readonly WorkflowUpdate[], turns: CallPacer, failures: SecurityHubFailure[]): Promise<number[]> {
  const changed: number[] = [];
  for (const update of updates) {
    let count = 0;
    for (const batch of batches(update.ids)) {
      await turns.waitForTurn();
      try {
        const answer = await client.send(
          new BatchUpdateFindingsCommand({
            FindingIdentifiers: batch.map((id) => ({ Id: id, ProductArn: productArn })),
            Workflow: { Status: update.status },
            Note: { Text: update.note, UpdatedBy: NOTE_AUTHOR },
          }),
        );
        for (const unprocessed of answer.UnprocessedFindings ?? []) {
          failures.push({ id: unprocessed.FindingIdentifier?.Id ?? '', operation: 'BatchUpdateFindings', reason: `${unprocessed.ErrorCode ?? 'error'}: ${unprocessed.ErrorMessage ?? 'no reason given'}` });
        }
        count += answer.ProcessedFindings?.length ?? 0;
      } catch (error) {
        const reason = errorMessage(error);
        for (const id of batch) failures.push({ id, operation: 'BatchUpdateFindings', reason });
      }
    }
    changed.push(count);
  }
  return changed;
}

function note(text: string): string {
  return text.length <= MAX_NOTE ? text : `${text.slice(0, MAX_NOTE - 1)}…`;
}

/** The note of a muted finding: the exemption's reason and its last day. */
export function mutedNote(muted: NonNullable<Finding['muted']>): string {
  return note(`Muted by an exemption until ${muted.expires}: ${muted.reason}`);
}

/** Groups ids by (status, note): one BatchUpdateFindings call sets one workflow and one note. */
function groupUpdates(entries: readonly { id: string; status: WorkflowStatus; note: string }[]): WorkflowUpdate[] {
  const groups = new Map<string, WorkflowUpdate>();
  for (const entry of entries) {
    const key = `${entry.status}\n${entry.note}`;
    const group = groups.get(key) ?? { status: entry.status, note: entry.note, ids: [] };
    group.ids.push(entry.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Imports the run's findings and carries the lifecycle through; see the top of this file. */
export async function importFindingsToSecurityHub(client: SecurityHubClient, options: SecurityHubImportOptions): Promise<SecurityHubImportResult> {
  const { run, target } = options;
  const turns = pacers(options.clock ?? systemClock);
  const importedAt = (options.now ?? (() => new Date()))().toISOString();
  const productArn = defaultProductArn(target);
  const failures: SecurityHubFailure[] = [];

  let open: Map<string, AwsSecurityFinding>;
  try {
    open = await readOpenFindings(client, productArn, turns.GetFindings);
  } catch (error) {
    throw new SecurityHubImportError(`cannot read the open findings of ${productArn} (is Security Hub enabled in account ${target.accountId}, region ${target.region}?): ${errorMessage(error)}`, { cause: error });
  }

  const users = new RunUsers(run);
  const times = { importedAt, observedAt: run.startedAt };
  const current = options.findings.map((finding) => toAsffFinding(finding, target, users, times, open.get(securityHubFindingId(finding))));
  const currentIds = new Set(current.map((finding) => finding.Id));
  const completelyAudited = new Set(run.accounts.filter((audit) => coverageClass(audit) === 'audited').map((audit) => audit.account.id));
  const noLongerFound = [...open.values()].filter((finding) => {
    const account = auditedAccountOf(finding);
    return !currentIds.has(finding.Id) && account !== null && completelyAudited.has(account);
  });

  const accepted = await importBatches(client, [...current, ...noLongerFound.map((finding) => archivedAsffFinding(finding, importedAt))], turns.BatchImportFindings, failures);

  const runDay = run.startedAt.slice(0, 10);
  const entries: { id: string; status: WorkflowStatus; note: string; kind: 'archived' | 'suppressed' | 'unsuppressed' }[] = [];
  for (const finding of noLongerFound) {
    if (finding.Id !== undefined && accepted.has(finding.Id)) entries.push({ id: finding.Id, status: 'RESOLVED', note: `no longer found on ${runDay}`, kind: 'archived' });
  }
  for (const finding of options.findings) {
    const id = securityHubFindingId(finding);
    if (!accepted.has(id)) continue;
    const known = open.get(id);
    if (finding.muted !== undefined) {
      const text = mutedNote(finding.muted);
      if (known?.Workflow?.Status !== 'SUPPRESSED' || known.Note?.Text !== text) entries.push({ id, status: 'SUPPRESSED', note: text, kind: 'suppressed' });
    } else if (known?.Workflow?.Status === 'SUPPRESSED' && known.Note?.UpdatedBy === NOTE_AUTHOR) {
      entries.push({ id, status: 'NEW', note: `no longer muted on ${runDay}`, kind: 'unsuppressed' });
    }
  }
  const counts = { archived: 0, suppressed: 0, unsuppressed: 0 };
  for (const kind of ['archived', 'suppressed', 'unsuppressed'] as const) {
    const changed = await updateWorkflows(client, productArn, groupUpdates(entries.filter((entry) => entry.kind === kind)), turns.BatchUpdateFindings, failures);
    counts[kind] = changed.reduce((sum, count) => sum + count, 0);
  }

  return { productArn, imported: current.filter((finding) => accepted.has(finding.Id ?? '')).length, ...counts, failures };
}

// A simulated AWS Security Hub (CSPM) for the findings API the auditor uses: BatchImportFindings,
// BatchUpdateFindings and GetFindings, per account and region, with the behaviour the lifecycle
// depends on:
// - a finding that does not follow the format, or names another account than the caller with the
//   default product, comes back in FailedFindings, and the others of the batch are imported;
// - once a finding exists, an import changes its facts but never its Workflow, Note,
//   UserDefinedFields or VerificationState (those belong to BatchUpdateFindings), and an import
//   whose UpdatedAt is older than the stored one is ignored;
// - an ARCHIVED finding imported ACTIVE again, or a PASSED one imported FAILED again, whose
//   workflow is NOTIFIED or RESOLVED goes back to NEW;
// - the documented rate limits (BatchImportFindings and BatchUpdateFindings 10 a second with a
//   burst of 30, GetFindings 3 with a burst of 6) can be enforced, answering ThrottlingException.
import { simulatedError, simulatedServiceError } from './simulated-errors';

export interface SimulatedSecurityHubOptions {
  /** False: every call answers InvalidAccessException, as for an account that has not enabled Security Hub. */
  enabled?: boolean;
  /** Throttle calls beyond the documented rates, per account, region and operation. */
  enforceRateLimits?: boolean;
  /** Findings BatchUpdateFindings leaves unprocessed (`ConcurrentUpdateError`), as when another update races it. */
  unprocessedUpdates?: (id: string) => boolean;
}

/** A finding as Security Hub stores it: the imported ASFF object plus what Security Hub adds. */
export type StoredSecurityHubFinding = Record<string, unknown> & {
  Id: string;
  ProductArn: string;
  AwsAccountId: string;
  RecordState: string;
  Workflow: { Status: string };
  Note?: { Text: string; UpdatedBy: string; UpdatedAt: string };
};

const SCHEMA_VERSION = '2018-10-08';
const MAX_FINDINGS_PER_CALL = 100;
const TYPE_NAMESPACES = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const WORKFLOW_STATUSES = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];
const COMPLIANCE_STATUSES = ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'];
/** What BatchImportFindings may not change once a finding exists. */
const OWNED_BY_UPDATE = ['Workflow', 'Note', 'UserDefinedFields', 'VerificationState'];
/** Requests per second and burst, from the Security Hub API reference. */
const RATE_LIMITS: Readonly<Record<string, { rate: number; burst: number }>> = {
  BatchImportFindings: { rate: 10, burst: 30 },
  BatchUpdateFindings: { rate: 10, burst: 30 },
  GetFindings: { rate: 3, burst: 6 },
};
/** GetFindings filters the simulation understands; others are refused rather than ignored. */
const FILTER_FIELDS: Readonly<Record<string, (finding: StoredSecurityHubFinding) => unknown>> = {
  ProductArn: (finding) => finding.ProductArn,
  AwsAccountId: (finding) => finding.AwsAccountId,
  Id: (finding) => finding.Id,
  GeneratorId: (finding) => finding.GeneratorId,
  RecordState: (finding) => finding.RecordState,
  WorkflowStatus: (finding) => finding.Workflow.Status,
  ComplianceStatus: (finding) => (finding.Compliance as { Status?: unknown } | undefined)?.Status,
};

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Why an ASFF finding would be refused, in Security Hub's words, or null when it is well formed. */
function formatProblem(finding: JsonObject): string | null {
  const text = (field: string, max: number): string | null => {
    const value = finding[field];
    if (typeof value !== 'string' || value.length === 0) return `data.${field} is required`;
    if (value.length > max) return `data.${field} should NOT be longer than ${max} characters`;
    return null;
  };
  const time = (field: string, required: boolean): string | null => {
    const value = finding[field];
    if (value === undefined && !required) return null;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return `data.${field} should match format "date-time"`;
    return null;
  };
  const problems = [
    finding.SchemaVersion === SCHEMA_VERSION ? null : `data.SchemaVersion should be ${SCHEMA_VERSION}`,
    text('Id', 512),
    text('ProductArn', 2048),
    text('GeneratorId', 512),
    typeof finding.AwsAccountId === 'string' && /^\d{12}$/.test(finding.AwsAccountId) ? null : 'data.AwsAccountId should be a 12-digit account id',
    text('Title', 256),
    text('Description', 1024),
    time('CreatedAt', true),
    time('UpdatedAt', true),
    time('FirstObservedAt', false),
    time('LastObservedAt', false),
  ];
  const severity = finding.Severity;
  if (!isObject(severity) || !SEVERITY_LABELS.includes(String(severity.Label))) problems.push(`data.Severity.Label should be one of ${SEVERITY_LABELS.join(', ')}`);
  const types = finding.Types ?? (isObject(finding.FindingProviderFields) ? finding.FindingProviderFields.Types : undefined);
  if (!Array.isArray(types) || types.length === 0 || types.length > 50) problems.push('data.Types should have 1 to 50 items');
  else if (types.some((type) => typeof type !== 'string' || !TYPE_NAMESPACES.includes(type.split('/')[0]))) problems.push('data.Types should be namespace/category/classifier with a known namespace');
  const resources = finding.Resources;
  if (!Array.isArray(resources) || resources.length === 0 || resources.length > 32) problems.push('data.Resources should have 1 to 32 items');
  else if (resources.some((resource) => !isObject(resource) || typeof resource.Id !== 'string' || resource.Id === '' || typeof resource.Type !== 'string' || resource.Type === '')) problems.push('data.Resources[] should have an Id and a Type');
  const recommendation = isObject(finding.Remediation) && isObject(finding.Remediation.Recommendation) ? finding.Remediation.Recommendation.Text : undefined;
  if (typeof recommendation === 'string' && recommendation.length > 512) problems.push('data.Remediation.Recommendation.Text should NOT be longer than 512 characters');
  if (finding.Compliance !== undefined) {
    const compliance = isObject(finding.Compliance) ? finding.Compliance : {};
    if (compliance.Status !== undefined && !COMPLIANCE_STATUSES.includes(String(compliance.Status))) problems.push(`data.Compliance.Status should be one of ${COMPLIANCE_STATUSES.join(', ')}`);
    if (Array.isArray(compliance.RelatedRequirements) && compliance.RelatedRequirements.length > 32) problems.push('data.Compliance.RelatedRequirements should NOT have more than 32 items');
  }
  if (finding.RecordState !== undefined && finding.RecordState !== 'ACTIVE' && finding.RecordState !== 'ARCHIVED') problems.push('data.RecordState should be ACTIVE or ARCHIVED');
  if (finding.ProductFields !== undefined) {
    const fields = isObject(finding.ProductFields) ? Object.entries(finding.ProductFields) : [];
    if (fields.length > 50 || fields.some(([key, value]) => key.length > 128 || typeof value !== 'string' || value.length > 2048)) problems.push('data.ProductFields should have at most 50 string values');
  }
  return problems.find((problem) => problem !== null) ?? null;
}

export class SimulatedSecurityHub {
  /** Keyed by `<region>|<product ARN>|<id>`, in the order first imported. */
  private readonly stored = new Map<string, StoredSecurityHubFinding>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly partition: string,
    private readonly now: () => Date,
    private readonly options: SimulatedSecurityHubOptions = {},
  ) {}

  /** Every stored finding of the region (copies), in the order first imported. */
  findings(region = 'us-east-1'): StoredSecurityHubFinding[] {
    return [...this.stored.entries()].filter(([key]) => key.startsWith(`${region}|`)).map(([, finding]) => copy(finding));
  }

  /** Answers one Security Hub command from `accountId` in `region`. */
  answer(operation: string, input: JsonObject, caller: { accountId: string; arn: string }, region: string): object {
    const context = { service: 'securityhub' as const, action: `securityhub:${operation}`, callerArn: caller.arn };
    if (this.options.enabled === false) {
      throw simulatedServiceError('securityhub', 'InvalidAccessException', `Account ${caller.accountId} is not subscribed to AWS Security Hub`, 401);
    }
    if (this.options.enforceRateLimits) this.takeToken(operation, caller.accountId, region, context);
    switch (operation) {
      case 'BatchImportFindings':
        return this.batchImportFindings(input, caller.accountId, region);
      case 'BatchUpdateFindings':
        return this.batchUpdateFindings(input, caller.accountId, region);
      case 'GetFindings':
        return this.getFindings(input, caller.accountId, region);
      default:
        throw new Error(`The simulated AWS does not implement securityhub:${operation}`);
    }
  }

  private takeToken(operation: string, accountId: string, region: string, context: { service: 'securityhub'; action: string; callerArn: string }): void {
    const limit = RATE_LIMITS[operation] ?? { rate: 10, burst: 30 };
    const key = `${accountId}|${region}|${operation}`;
    const at = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * limit.rate);
    bucket.at = at;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) throw simulatedError('Throttling', context);
    bucket.tokens -= 1;
  }

  private defaultProductArn(accountId: string, region: string): string {
    return `arn:${this.partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
  }

  private batchImportFindings(input: JsonObject, accountId: string, region: string): object {
    const findings = input.Findings;
    if (!Array.isArray(findings) || findings.length === 0 || findings.length > MAX_FINDINGS_PER_CALL) {
      throw simulatedServiceError('securityhub', 'InvalidInputException', `Findings must hold 1 to ${MAX_FINDINGS_PER_CALL} findings`);
    }
    const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
    let succeeded = 0;
    for (const entry of findings as unknown[]) {
      const finding = isObject(entry) ? entry : {};
      const id = typeof finding.Id === 'string' ? finding.Id : '';
      const problem = formatProblem(finding);
      if (problem !== null) {
        failed.push({ Id: id, ErrorCode: 'InvalidInput', ErrorMessage: `Finding does not adhere to Amazon Finding Format. ${problem}` });
        continue;
      }
      if (finding.ProductArn !== this.defaultProductArn(accountId, region) || finding.AwsAccountId !== accountId) {
        failed.push({ Id: id, ErrorCode: 'AccessDeniedException', ErrorMessage: `Account ${accountId} may import findings only for itself through ${this.defaultProductArn(accountId, region)}` });
        continue;
      }
      this.store(finding as StoredSecurityHubFinding, region);
      succeeded += 1;
    }
    return { $metadata: { httpStatusCode: 200 }, SuccessCount: succeeded, FailedCount: failed.length, FailedFindings: failed };
  }

  private store(imported: StoredSecurityHubFinding, region: string): void {
    const key = `${region}|${imported.ProductArn}|${imported.Id}`;
    const existing = this.stored.get(key);
    const finding = copy(imported);
    finding.RecordState = finding.RecordState ?? 'ACTIVE';
    finding.ProcessedAt = this.now().toISOString();
    if (existing === undefined) {
      finding.Workflow = isObject(imported.Workflow) && WORKFLOW_STATUSES.includes(String(imported.Workflow.Status)) ? { Status: imported.Workflow.Status } : { Status: 'NEW' };
      this.stored.set(key, finding);
      return;
    }
    if (Date.parse(String(imported.UpdatedAt)) < Date.parse(String(existing.UpdatedAt))) return;
    for (const field of OWNED_BY_UPDATE) {
      if (existing[field] === undefined) delete finding[field];
      else finding[field] = existing[field];
    }
    const complianceOf = (value: JsonObject): unknown => (isObject(value.Compliance) ? value.Compliance.Status : undefined);
    const reactivated = existing.RecordState === 'ARCHIVED' && finding.RecordState === 'ACTIVE';
    const failingAgain = complianceOf(existing) === 'PASSED' && ['FAILED', 'WARNING', 'NOT_AVAILABLE'].includes(String(complianceOf(finding)));
    if ((reactivated || failingAgain) && (finding.Workflow.Status === 'RESOLVED' || finding.Workflow.Status === 'NOTIFIED')) {
      finding.Workflow = { Status: 'NEW' };
    }
    this.stored.set(key, finding);
  }

  private batchUpdateFindings(input: JsonObject, accountId: string, region: string): object {
    const identifiers = input.FindingIdentifiers;
    if (!Array.isArray(identifiers) || identifiers.length === 0 || identifiers.length > MAX_FINDINGS_PER_CALL) {
      throw simulatedServiceError('securityhub', 'InvalidInputException', `FindingIdentifiers must hold 1 to ${MAX_FINDINGS_PER_CALL} identifiers`);
    }
    const note = input.Note;
    if (note !== undefined) {
      if (!isObject(note) || typeof note.Text !== 'string' || note.Text === '' || note.Text.length > 512 || typeof note.UpdatedBy !== 'string' || note.UpdatedBy === '' || note.UpdatedBy.length > 128) {
        throw simulatedServiceError('securityhub', 'InvalidInputException', 'Note needs a Text of at most 512 characters and an UpdatedBy of at most 128');
      }
    }
    const workflow = input.Workflow;
    if (workflow !== undefined && (!isObject(workflow) || !WORKFLOW_STATUSES.includes(String(workflow.Status)))) {
      throw simulatedServiceError('securityhub', 'InvalidInputException', `Workflow.Status must be one of ${WORKFLOW_STATUSES.join(', ')}`);
    }
    const processed: JsonObject[] = [];
    const unprocessed: JsonObject[] = [];
    const updatedAt = this.now().toISOString();
    for (const entry of identifiers as unknown[]) {
      const identifier = isObject(entry) ? entry : {};
      const finding = this.stored.get(`${region}|${String(identifier.ProductArn)}|${String(identifier.Id)}`);
      if (finding === undefined || finding.AwsAccountId !== accountId) {
        unprocessed.push({ FindingIdentifier: { Id: identifier.Id, ProductArn: identifier.ProductArn }, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' });
        continue;
      }
      if (this.options.unprocessedUpdates?.(finding.Id)) {
        unprocessed.push({ FindingIdentifier: { Id: identifier.Id, ProductArn: identifier.ProductArn }, ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'Another request updated the finding while this one was processed' });
        continue;
      }
      if (isObject(workflow)) {
        finding.Workflow = { Status: String(workflow.Status) };
      }
      if (isObject(note)) finding.Note = { Text: String(note.Text), UpdatedBy: String(note.UpdatedBy), UpdatedAt: updatedAt };
      finding.UpdatedAt = updatedAt;
      processed.push({ Id: identifier.Id, ProductArn: identifier.ProductArn });
    }
    return { $metadata: { httpStatusCode: 200 }, ProcessedFindings: processed, UnprocessedFindings: unprocessed };
  }

  private getFindings(input: JsonObject, accountId: string, region: string): object {
    const filters = isObject(input.Filters) ? input.Filters : {};
    const tests = Object.entries(filters).map(([field, conditions]) => {
      const read = FILTER_FIELDS[field];
      if (read === undefined) throw new Error(`The simulated Security Hub does not implement the GetFindings filter ${field}`);
      return { read, conditions: (Array.isArray(conditions) ? conditions : []) as { Value?: string; Comparison?: string }[] };
    });
    const matches = (finding: StoredSecurityHubFinding): boolean =>
      tests.every(({ read, conditions }) => {
        const value = String(read(finding) ?? '');
        const positive = conditions.filter((condition) => condition.Comparison === 'EQUALS' || condition.Comparison === 'PREFIX');
        const negative = conditions.filter((condition) => condition.Comparison === 'NOT_EQUALS' || condition.Comparison === 'PREFIX_NOT_EQUALS');
        const hit = (condition: { Value?: string; Comparison?: string }) => (condition.Comparison?.startsWith('PREFIX') ? value.startsWith(condition.Value ?? '') : value === condition.Value);
        return (positive.length === 0 || positive.some(hit)) && !negative.some(hit);
      });
    const visible = [...this.stored.entries()].filter(([key, finding]) => key.startsWith(`${region}|`) && finding.AwsAccountId === accountId && matches(finding)).map(([, finding]) => finding);
    const size = typeof input.MaxResults === 'number' && input.MaxResults > 0 ? Math.min(input.MaxResults, 100) : 100;
    const token = input.NextToken;
    const offset = token === undefined || token === null || token === '' ? 0 : /^simulated-findings:(\d+)$/.exec(String(token))?.[1];
    if (offset === undefined || Number(offset) > visible.length) throw simulatedServiceError('securityhub', 'InvalidInputException', 'The NextToken is not valid');
    const start = Number(offset);
    const end = start + size;
    return {
      $metadata: { httpStatusCode: 200 },
      Findings: visible.slice(start, end).map((finding) => copy(finding)),
      ...(end < visible.length ? { NextToken: `simulated-findings:${end}` } : {}),
    };
  }
}

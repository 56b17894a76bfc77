// A finding in the AWS Security Finding Format (ASFF), as Security Hub's BatchImportFindings takes
// it. Pure: what Security Hub already knows of a finding (when it was first observed and created)
// is handed in, so the same finding keeps its identity and its history from run to run.
//
// The findings are imported from the auditor's own account through its default product: with that
// product Security Hub accepts a finding only when `AwsAccountId` is the importing account, so
// `AwsAccountId` is the auditor's account, and the audited account is named in `Resources` (the
// ARNs there are in the audited account) and in `ProductFields`.
import type { AwsSecurityFinding, Resource } from '@aws-sdk/client-securityhub';
import { CIS_BENCHMARKS, findingResources, findingTypes, type Finding, type FindingResource, type RunUsers, type Severity } from '../../analysis/findings';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** Every finding id and generator id of this auditor starts so; nothing else of the default product is touched. */
export const FINDING_ID_PREFIX = 'iam-audit/';
export const PRODUCT_NAME = 'IAM Audit Kit';
/** `ProductFields` keys, under the product's own namespace. */
export const PRODUCT_FIELD = {
  auditedAccountId: 'iam-audit/AuditedAccountId',
  auditedAccountName: 'iam-audit/AuditedAccountName',
  ruleId: 'iam-audit/RuleId',
  findingKey: 'iam-audit/FindingKey',
  smm: 'iam-audit/SecurityMaturityModel',
  evidence: 'iam-audit/Evidence',
} as const;

const SECURITY_HUB_CONTROL_PREFIX = 'AWS Security Hub control';

// ASFF limits (characters), from the format's reference.
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_RECOMMENDATION = 512;
const MAX_PRODUCT_FIELD_VALUE = 2048;

const SEVERITY_LABEL: Readonly<Record<Severity, 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'>> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

/** Where the findings go: the auditor's account and region, and the partition of the run. */
export interface SecurityHubTarget {
  accountId: string;
  region: string;
  partition: string;
}

/** The default product of the auditor's account: every account may import its own findings through it. */
export function defaultProductArn(target: SecurityHubTarget): string {
  return `arn:${target.partition}:securityhub:${target.region}:${target.accountId}:product/${target.accountId}/default`;
}

/** Stable across runs: the finding's key, so the next run updates the same Security Hub finding. */
export function securityHubFindingId(finding: Pick<Finding, 'key'>): string {
  return `${FINDING_ID_PREFIX}${finding.key}`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function asffResource(resource: FindingResource, finding: Finding, target: SecurityHubTarget): Resource {
  const placement = { Id: resource.uid, Partition: target.partition as Resource['Partition'], Region: target.region };
  switch (resource.kind) {
    case 'iam-user': {
      const details: NonNullable<NonNullable<Resource['Details']>['AwsIamUser']> = { UserName: resource.userName };
      if (resource.record !== undefined) {
        details.CreateDate = resource.record.createdDate;
        details.Path = /:user(\/.*\/)[^/]+$/.exec(resource.record.arn)?.[1] ?? '/';
      }
      return { Type: 'AwsIamUser', ...placement, Details: { AwsIamUser: details } };
    }
    case 'iam-role':
      return { Type: 'AwsIamRole', ...placement, Details: { AwsIamRole: { RoleName: resource.roleName } } };
    case 'access-key': {
      const details: NonNullable<NonNullable<Resource['Details']>['AwsIamAccessKey']> = {
        AccessKeyId: resource.accessKeyId,
        AccountId: finding.accountId,
        UserName: resource.userName,
        PrincipalName: resource.userName,
        PrincipalType: 'IAMUser',
      };
      if (resource.record !== undefined) {
        details.Status = resource.record.status === 'Active' ? 'Active' : 'Inactive';
        details.CreatedAt = resource.record.createdDate;
      }
      return { Type: 'AwsIamAccessKey', ...placement, Details: { AwsIamAccessKey: details } };
    }
    case 'account':
      return { Type: 'AwsAccount', ...placement };
  }
}

function relatedRequirements(finding: Finding): string[] {
  return [
    ...finding.controls.cisV7.map((id) => `${CIS_BENCHMARKS.cisV7}/${id}`),
    ...finding.controls.cisV5.map((id) => `${CIS_BENCHMARKS.cisV5}/${id}`),
    ...finding.controls.securityHub.map((id) => `${SECURITY_HUB_CONTROL_PREFIX}/${id}`),
  ];
}

/** Security Hub lists titles side by side across accounts: each names what and where. */
function findingTitle(finding: Finding): string {
  switch (finding.resourceType) {
    case 'account':
      return `${finding.title}: ${finding.accountId} (${finding.accountName})`;
    case 'root':
      return `${finding.title} in ${finding.accountId} (${finding.accountName})`;
    default:
      return `${finding.title}: ${finding.resource} in ${finding.accountId} (${finding.accountName})`;
  }
}

/** What Security Hub already holds of a finding, kept when it is imported again. */
export interface KnownFinding {
  CreatedAt?: string;
  FirstObservedAt?: string;
}

export interface AsffTimes {
  /** When this import happens: `UpdatedAt`, and `CreatedAt` of a finding Security Hub does not have yet. */
  importedAt: string;
  /** When the run observed the finding: `LastObservedAt`, and `FirstObservedAt` of a new one. */
  observedAt: string;
}

/** A finding of this run as an ACTIVE, FAILED ASFF finding. */
export function toAsffFinding(finding: Finding, target: SecurityHubTarget, users: RunUsers, times: AsffTimes, known?: KnownFinding): AwsSecurityFinding {
  const types = findingTypes(finding);
  const severity = { Label: SEVERITY_LABEL[finding.severity], Original: finding.severity };
  const description = `${finding.evidence}. Account ${finding.accountId} (${finding.accountName}), ${finding.resourceType} ${finding.resource}.`;
  const productFields: Record<string, string> = {
    [PRODUCT_FIELD.auditedAccountId]: finding.accountId,
    [PRODUCT_FIELD.auditedAccountName]: shorten(finding.accountName, MAX_PRODUCT_FIELD_VALUE),
    [PRODUCT_FIELD.ruleId]: finding.ruleId,
    [PRODUCT_FIELD.findingKey]: finding.key,
    [PRODUCT_FIELD.evidence]: shorten(finding.evidence, MAX_PRODUCT_FIELD_VALUE),
  };
  if (finding.controls.smm.length > 0) productFields[PRODUCT_FIELD.smm] = finding.controls.smm.join('; ');
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: securityHubFindingId(finding),
    ProductArn: defaultProductArn(target),
    ProductName: PRODUCT_NAME,
    GeneratorId: `${FINDING_ID_PREFIX}${finding.ruleId}`,
    AwsAccountId: target.accountId,
    Types: types,
    // Severity and Types also as the provider's own values: once a finding exists, Security Hub
    // takes provider updates of these only through FindingProviderFields.
    FindingProviderFields: { Severity: severity, Types: types },
    CreatedAt: known?.CreatedAt ?? times.importedAt,
    UpdatedAt: times.importedAt,
    FirstObservedAt: known?.FirstObservedAt ?? times.observedAt,
    LastObservedAt: times.observedAt,
    Severity: severity,
    Title: shorten(findingTitle(finding), MAX_TITLE),
    Description: shorten(description, MAX_DESCRIPTION),
    Remediation: { Recommendation: { Text: shorten(finding.remediation, MAX_RECOMMENDATION) } },
    Resources: findingResources(finding, target.partition, users).map((resource) => asffResource(resource, finding, target)),
    Compliance: { Status: 'FAILED', RelatedRequirements: relatedRequirements(finding) },
    ProductFields: productFields,
    RecordState: 'ACTIVE',
  };
}

/** The audited account a finding of this auditor is about, or null when it is not one of ours. */
export function auditedAccountOf(finding: AwsSecurityFinding): string | null {
  if (!finding.Id?.startsWith(FINDING_ID_PREFIX)) return null;
  return finding.ProductFields?.[PRODUCT_FIELD.auditedAccountId] ?? null;
}

/**
 * An open finding that this run no longer produces, imported again as fixed: the facts as Security
 * Hub holds them, ARCHIVED and PASSED. Only the fields a provider may send are kept (Security
 * Hub's own additions, such as `ProcessedAt` or the `aws/securityhub/` product fields, are not).
 */
export function archivedAsffFinding(open: AwsSecurityFinding, importedAt: string): AwsSecurityFinding {
  const productFields = Object.fromEntries(Object.entries(open.ProductFields ?? {}).filter(([key]) => !key.startsWith('aws/')));
  const archived: AwsSecurityFinding = {
    SchemaVersion: open.SchemaVersion ?? ASFF_SCHEMA_VERSION,
    Id: open.Id,
    ProductArn: open.ProductArn,
    GeneratorId: open.GeneratorId,
    AwsAccountId: open.AwsAccountId,
    CreatedAt: open.CreatedAt,
    UpdatedAt: importedAt,
    Title: open.Title,
    Description: open.Description,
    Resources: open.Resources,
    Compliance: { ...open.Compliance, Status: 'PASSED' },
    ProductFields: productFields,
    RecordState: 'ARCHIVED',
  };
  if (open.ProductName !== undefined) archived.ProductName = open.ProductName;
  if (open.Types !== undefined) archived.Types = open.Types;
  if (open.FindingProviderFields !== undefined) archived.FindingProviderFields = open.FindingProviderFields;
  if (open.Severity !== undefined) archived.Severity = open.Severity;
  if (open.FirstObservedAt !== undefined) archived.FirstObservedAt = open.FirstObservedAt;
  if (open.LastObservedAt !== undefined) archived.LastObservedAt = open.LastObservedAt;
  if (open.Remediation !== undefined) archived.Remediation = open.Remediation;
  return archived;
}

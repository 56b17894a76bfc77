// iam_audit_findings_<ts>.ocsf.json: the findings as OCSF 1.3 Detection Findings (class 2004), the
// format Security Lake and SIEMs read. A JSON array, one event per finding, written a finding at a
// time. Each event carries the attributes the schema requires of the class and its base event
// (class, category, activity, type, severity, time, metadata with its product and version,
// finding_info with uid and title), and the recommended ones this auditor knows: status, resources
// with their account, cloud, remediation. The control mapping has no OCSF attribute in this class
// and goes in `unmapped`.
import { version as PRODUCT_VERSION } from '../../package.json';
import { CIS_BENCHMARKS, findingResources, findingTypes, RunUsers, type Finding, type FindingResource, type Severity } from '../analysis/findings';
import type { AuditRun } from '../model';

export const OCSF_VERSION = '1.3.0';
export const OCSF_CONTENT_TYPE = 'application/json; charset=utf-8';
const PRODUCT = { name: 'IAM Audit Kit', vendor_name: 'IAM Audit Kit', version: PRODUCT_VERSION };

const DETECTION_FINDING = { class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings' } as const;
const CREATE = { activity_id: 1, activity_name: 'Create' } as const;
const SEVERITY: Readonly<Record<Severity, { severity_id: number; severity: string }>> = {
  critical: { severity_id: 5, severity: 'Critical' },
  high: { severity_id: 4, severity: 'High' },
  medium: { severity_id: 3, severity: 'Medium' },
  low: { severity_id: 2, severity: 'Low' },
};
/** OCSF's account type for an AWS account. */
const AWS_ACCOUNT = { type_id: 10, type: 'AWS Account' } as const;
const RESOURCE_TYPE: Readonly<Record<FindingResource['kind'], string>> = { 'iam-user': 'AwsIamUser', 'iam-role': 'AwsIamRole', 'access-key': 'AwsIamAccessKey', account: 'AwsAccount' };

export interface OcsfDetectionFinding {
  class_uid: 2004;
  class_name: string;
  category_uid: 2;
  category_name: string;
  activity_id: 1;
  activity_name: string;
  type_uid: number;
  type_name: string;
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  status_detail?: string;
  time: number;
  time_dt: string;
  message: string;
  metadata: { version: string; product: typeof PRODUCT; event_code: string; uid: string };
  finding_info: { uid: string; title: string; desc: string; types: string[]; created_time: number; first_seen_time: number; last_seen_time: number };
  resources: { uid: string; type: string; name: string; cloud_partition: string; account: { uid: string; name: string; type_id: number; type: string } }[];
  cloud: { provider: 'AWS'; account: { uid: string; name: string; type_id: number; type: string } };
  remediation: { desc: string };
  unmapped: { compliance: Record<string, string[]>; resource_type: string; resource: string; muted?: { reason: string; expires: string } };
}

function resourceName(resource: FindingResource): string {
  switch (resource.kind) {
    case 'iam-user':
      return resource.userName;
    case 'iam-role':
      return resource.roleName;
    case 'access-key':
      return resource.accessKeyId;
    case 'account':
      return resource.accountId;
  }
}

export function ocsfDetectionFinding(finding: Finding, run: AuditRun, users: RunUsers): OcsfDetectionFinding {
  // What the run observed: the time of this run. Across runs, the Security Hub import keeps when a finding was first seen.
  const observed = Date.parse(run.startedAt);
  const account = { uid: finding.accountId, name: finding.accountName, ...AWS_ACCOUNT };
  const event: OcsfDetectionFinding = {
    ...DETECTION_FINDING,
    ...CREATE,
    type_uid: DETECTION_FINDING.class_uid * 100 + CREATE.activity_id,
    type_name: `${DETECTION_FINDING.class_name}: ${CREATE.activity_name}`,
    ...SEVERITY[finding.severity],
    ...(finding.muted === undefined ? { status_id: 1, status: 'New' } : { status_id: 3, status: 'Suppressed', status_detail: `muted by an exemption until ${finding.muted.expires}: ${finding.muted.reason}` }),
    time: observed,
    time_dt: new Date(observed).toISOString(),
    message: `${finding.title}: ${finding.evidence}`,
    metadata: { version: OCSF_VERSION, product: PRODUCT, event_code: finding.ruleId, uid: finding.key },
    finding_info: { uid: finding.key, title: finding.title, desc: finding.evidence, types: findingTypes(finding), created_time: observed, first_seen_time: observed, last_seen_time: observed },
    resources: findingResources(finding, run.partition, users).map((resource) => ({ uid: resource.uid, type: RESOURCE_TYPE[resource.kind], name: resourceName(resource), cloud_partition: run.partition, account })),
    cloud: { provider: 'AWS', account },
    remediation: { desc: finding.remediation },
    unmapped: {
      compliance: {
        [CIS_BENCHMARKS.cisV7]: finding.controls.cisV7,
        [CIS_BENCHMARKS.cisV5]: finding.controls.cisV5,
        'AWS Security Hub': finding.controls.securityHub,
        'AWS Security Maturity Model': finding.controls.smm,
      },
      resource_type: finding.resourceType,
      resource: finding.resource,
    },
  };
  if (finding.muted !== undefined) event.unmapped.muted = { reason: finding.muted.reason, expires: finding.muted.expires };
  return event;
}

/** The file in pieces, a finding at a time; joined, a JSON array. */
export function* ocsfFindingsChunks(run: AuditRun, findings: readonly Finding[]): Generator<string> {
  const users = new RunUsers(run);
  if (findings.length === 0) {
    yield '[]\n';
    return;
  }
  yield '[\n';
  for (const [index, finding] of findings.entries()) yield `${JSON.stringify(ocsfDetectionFinding(finding, run, users))}${index < findings.length - 1 ? ',' : ''}\n`;
  yield ']\n';
}

/** The whole file at once; what the pieces of `ocsfFindingsChunks` join to. */
export function ocsfFindingsJson(run: AuditRun, findings: readonly Finding[]): string {
  const users = new RunUsers(run);
  const events = findings.map((finding) => JSON.stringify(ocsfDetectionFinding(finding, run, users)));
  return events.length === 0 ? '[]\n' : `[\n${events.join(',\n')}\n]\n`;
}

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

/** One event, as the file's readers parse it (ocsfEventJson writes exactly these keys, in this order). */
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

/** `JSON.stringify` of one string or array of strings. */
const q = JSON.stringify;

/**
 * What every event of one run shares, serialised once: the class and activity, the product, each
 * severity, the time the run observed, the partition.
 */
class OcsfRunText {
  readonly head = `{"class_uid":${DETECTION_FINDING.class_uid},"class_name":${q(DETECTION_FINDING.class_name)},"category_uid":${DETECTION_FINDING.category_uid},"category_name":${q(DETECTION_FINDING.category_name)},"activity_id":${CREATE.activity_id},"activity_name":${q(CREATE.activity_name)},"type_uid":${DETECTION_FINDING.class_uid * 100 + CREATE.activity_id},"type_name":${q(`${DETECTION_FINDING.class_name}: ${CREATE.activity_name}`)},`;
  readonly severity: Readonly<Record<Severity, string>>;
  /** What the run observed: the time of this run. Across runs, the Security Hub import keeps when a finding was first seen. */
  readonly time: string;
  readonly seen: string;
  readonly metadataHead = `"metadata":{"version":${q(OCSF_VERSION)},"product":${q(PRODUCT)},"event_code":`;
  readonly partition: string;
  /** `{"uid":…,"name":…,"type_id":10,"type":"AWS Account"}` by account id and name. */
  private readonly accounts = new Map<string, string>();

  constructor(readonly run: AuditRun, readonly users: RunUsers) {
    const observed = Date.parse(run.startedAt);
    const observedText = q(observed);
    this.time = `"time":${observedText},"time_dt":${q(new Date(observed).toISOString())},`;
    this.seen = `"created_time":${observedText},"first_seen_time":${observedText},"last_seen_time":${observedText}`;
    this.severity = Object.fromEntries(Object.entries(SEVERITY).map(([name, value]) => [name, `"severity_id":${value.severity_id},"severity":${q(value.severity)},`])) as Record<Severity, string>;
    this.partition = q(run.partition);
  }

  account(uid: string, name: string): string {
    const key = `${uid}|${name}`;
    let text = this.accounts.get(key);
    if (text === undefined) {
      text = `{"uid":${q(uid)},"name":${q(name)},"type_id":${AWS_ACCOUNT.type_id},"type":${q(AWS_ACCOUNT.type)}}`;
      this.accounts.set(key, text);
    }
    return text;
  }
}

/**
 * One finding's event as JSON, built as one string from the finding's own values and the run's
 * shared pieces: exactly `JSON.stringify` of the OcsfDetectionFinding (same keys, same order), without
 * building that tree of objects for every finding of a large organization.
 */
function ocsfEventJson(finding: Finding, text: OcsfRunText): string {
  const account = text.account(finding.accountId, finding.accountName);
  const status =
    finding.muted === undefined
      ? '"status_id":1,"status":"New",'
      : `"status_id":3,"status":"Suppressed","status_detail":${q(`muted by an exemption until ${finding.muted.expires}: ${finding.muted.reason}`)},`;
  const resources = findingResources(finding, text.run.partition, text.users)
    .map((resource) => `{"uid":${q(resource.uid)},"type":${q(RESOURCE_TYPE[resource.kind])},"name":${q(resourceName(resource))},"cloud_partition":${text.partition},"account":${account}}`)
    .join(',');
  const { controls } = finding;
  const muted = finding.muted === undefined ? '' : `,"muted":{"reason":${q(finding.muted.reason)},"expires":${q(finding.muted.expires)}}`;
  return (
    `${text.head}${text.severity[finding.severity]}${status}${text.time}` +
    `"message":${q(`${finding.title}: ${finding.evidence}`)},` +
    `${text.metadataHead}${q(finding.ruleId)},"uid":${q(finding.key)}},` +
    `"finding_info":{"uid":${q(finding.key)},"title":${q(finding.title)},"desc":${q(finding.evidence)},"types":${q(findingTypes(finding))},${text.seen}},` +
    `"resources":[${resources}],"cloud":{"provider":"AWS","account":${account}},"remediation":{"desc":${q(finding.remediation)}},` +
    `"unmapped":{"compliance":{${q(CIS_BENCHMARKS.cisV7)}:${q(controls.cisV7)},${q(CIS_BENCHMARKS.cisV5)}:${q(controls.cisV5)},"AWS Security Hub":${q(controls.securityHub)},"AWS Security Maturity Model":${q(controls.smm)}},` +
    `"resource_type":${q(finding.resourceType)},"resource":${q(finding.resource)}${muted}}}`
  );
}

/** The file in pieces, a finding at a time; joined, a JSON array. */
export function* ocsfFindingsChunks(run: AuditRun, findings: readonly Finding[]): Generator<string> {
  if (findings.length === 0) {
    yield '[]\n';
    return;
  }
  const text = new OcsfRunText(run, new RunUsers(run));
  yield '[\n';
  for (const [index, finding] of findings.entries()) yield `${ocsfEventJson(finding, text)}${index < findings.length - 1 ? ',' : ''}\n`;
  yield ']\n';
}

/** The whole file at once; what the pieces of `ocsfFindingsChunks` join to. */
export function ocsfFindingsJson(run: AuditRun, findings: readonly Finding[]): string {
  const text = new OcsfRunText(run, new RunUsers(run));
  const events = findings.map((finding) => ocsfEventJson(finding, text));
  return events.length === 0 ? '[]\n' : `[\n${events.join(',\n')}\n]\n`;
}

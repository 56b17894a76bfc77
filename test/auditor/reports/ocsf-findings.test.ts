// The OCSF Detection Finding file: every attribute OCSF 1.x requires of class 2004 and its base
// event, the values mapped from the findings, muted findings suppressed, and the file in pieces.
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS, evaluateFindings, type Finding } from '../../../auditor/analysis/findings';
import { buildReportFiles } from '../../../auditor/reports';
import { ocsfFindingsChunks, ocsfFindingsJson, OCSF_VERSION, type OcsfDetectionFinding } from '../../../auditor/reports/ocsf-findings';
import { analyseRun } from '../../../auditor/analysis/run-analysis';
import { account, accessKey, daysAgo, notAudited, run, user } from '../../support/run-fixtures';
import { textReportFiles } from '../../support/report-files';

const PROD = '222222222222';

function sampleRun() {
  return run([
    account(PROD, 'Prod', {
      users: [
        user('alice', { arn: `arn:aws:iam::${PROD}:user/people/alice`, passwordEnabled: true, passwordLastUsed: daysAgo(2) }),
        user('svc', { arn: `arn:aws:iam::${PROD}:user/svc`, accessKeys: [accessKey('AKIAOLD0000000000001', { createdDate: daysAgo(500) })] }),
      ],
    }),
    notAudited('333333333333', 'Sandbox', 'AssumeRole: AccessDenied'),
  ]);
}

function events(findings: Finding[] = evaluateFindings(sampleRun(), DEFAULT_THRESHOLDS)): OcsfDetectionFinding[] {
  return JSON.parse(ocsfFindingsJson(sampleRun(), findings)) as OcsfDetectionFinding[];
}

describe('OCSF findings file', () => {
  it('holds one Detection Finding per finding with every attribute the class and base event require', () => {
    const findings = evaluateFindings(sampleRun(), DEFAULT_THRESHOLDS);
    const written = events(findings);
    assert.equal(written.length, findings.length);
    for (const event of written) {
      assert.equal(event.class_uid, 2004);
      assert.equal(event.category_uid, 2);
      assert.equal(event.activity_id, 1);
      assert.equal(event.type_uid, 200401);
      assert.ok([2, 3, 4, 5].includes(event.severity_id));
      assert.equal(typeof event.time, 'number');
      assert.equal(event.metadata.version, OCSF_VERSION);
      assert.match(OCSF_VERSION, /^1\./);
      assert.equal(event.metadata.product.name, 'IAM Audit Kit');
      assert.ok(event.metadata.product.vendor_name);
      assert.ok(event.metadata.product.version);
      assert.ok(event.finding_info.uid);
      assert.ok(event.finding_info.title);
      assert.equal(event.cloud.provider, 'AWS');
      assert.ok(event.resources.length > 0);
    }
  });

  it('maps a finding: stable uid, severity, status, time, resources in the audited account, controls', () => {
    const written = events();
    const alice = written.find((event) => event.finding_info.uid === `console-user-without-mfa|${PROD}|alice`);
    assert.ok(alice);
    assert.deepEqual({ severity_id: alice.severity_id, severity: alice.severity, status_id: alice.status_id, status: alice.status }, { severity_id: 5, severity: 'Critical', status_id: 1, status: 'New' });
    assert.equal(alice.time, Date.parse('2024-06-30T12:00:00.000Z'));
    assert.deepEqual(alice.resources, [{ uid: `arn:aws:iam::${PROD}:user/people/alice`, type: 'AwsIamUser', name: 'alice', cloud_partition: 'aws', account: { uid: PROD, name: 'Prod', type_id: 10, type: 'AWS Account' } }]);
    assert.deepEqual(alice.cloud.account, { uid: PROD, name: 'Prod', type_id: 10, type: 'AWS Account' });
    assert.deepEqual(alice.unmapped.compliance['CIS AWS Foundations Benchmark v7.0.0'], ['2.10']);
    assert.deepEqual(alice.unmapped.compliance['CIS AWS Foundations Benchmark v5.0.0'], ['1.9']);
    assert.deepEqual(alice.unmapped.compliance['AWS Security Hub'], ['IAM.5', 'IAM.19']);
    assert.match(alice.remediation.desc, /MFA/);
    assert.ok(alice.finding_info.types.includes('Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark'));

    const key = written.find((event) => event.finding_info.uid.includes('AKIAOLD0000000000001'));
    assert.deepEqual(key?.resources.map((resource) => [resource.type, resource.uid]), [['AwsIamAccessKey', 'AWS::IAM::AccessKey:AKIAOLD0000000000001'], ['AwsIamUser', `arn:aws:iam::${PROD}:user/svc`]]);
    const sandbox = written.find((event) => event.metadata.event_code === 'account-not-audited');
    assert.deepEqual(sandbox?.resources.map((resource) => [resource.type, resource.uid]), [['AwsAccount', 'arn:aws:iam::333333333333:root']]);
  });

  it('gives each severity its OCSF severity_id: critical 5, high 4, medium 3, low 2', () => {
    const [sample] = evaluateFindings(sampleRun(), DEFAULT_THRESHOLDS);
    const bySeverity = (['critical', 'high', 'medium', 'low'] as const).map((severity) => {
      const [event] = events([{ ...sample, severity }]);
      return [severity, event.severity_id, event.severity];
    });
    assert.deepEqual(bySeverity, [['critical', 5, 'Critical'], ['high', 4, 'High'], ['medium', 3, 'Medium'], ['low', 2, 'Low']]);
  });

  it('marks a muted finding Suppressed, with the exemption', () => {
    const findings = evaluateFindings(sampleRun(), DEFAULT_THRESHOLDS).map((finding) => (finding.resource === 'alice' ? { ...finding, muted: { reason: 'break-glass', expires: '2027-06-30' } } : finding));
    const alice = events(findings).find((event) => event.unmapped.resource === 'alice');
    assert.equal(alice?.status_id, 3);
    assert.equal(alice?.status, 'Suppressed');
    assert.equal(alice?.status_detail, 'muted by an exemption until 2027-06-30: break-glass');
    assert.deepEqual(alice?.unmapped.muted, { reason: 'break-glass', expires: '2027-06-30' });
  });

  it('writes each event as JSON.stringify would, keys in the class\'s order, hostile text escaped', () => {
    const hostile = 'a "quoted"\\ name\n\u2028 <script>';
    const findings = evaluateFindings(sampleRun(), DEFAULT_THRESHOLDS).map((finding) =>
      finding.resource === 'alice' ? { ...finding, accountName: hostile, evidence: hostile, muted: { reason: hostile, expires: '2027-06-30' } } : finding,
    );
    const lines = ocsfFindingsJson(sampleRun(), findings).split('\n').slice(1, -2).map((line) => line.replace(/,$/, ''));
    assert.equal(lines.length, findings.length);
    for (const line of lines) assert.equal(JSON.stringify(JSON.parse(line)), line, 'compact, no key twice, nothing JSON.stringify would write differently');
    const alice = JSON.parse(lines.find((line) => line.includes('"resource":"alice"')) ?? '{}') as OcsfDetectionFinding;
    assert.deepEqual(Object.keys(alice), [
      'class_uid', 'class_name', 'category_uid', 'category_name', 'activity_id', 'activity_name', 'type_uid', 'type_name', 'severity_id', 'severity',
      'status_id', 'status', 'status_detail', 'time', 'time_dt', 'message', 'metadata', 'finding_info', 'resources', 'cloud', 'remediation', 'unmapped',
    ]);
    assert.deepEqual(Object.keys(alice.metadata), ['version', 'product', 'event_code', 'uid']);
    assert.deepEqual(Object.keys(alice.finding_info), ['uid', 'title', 'desc', 'types', 'created_time', 'first_seen_time', 'last_seen_time']);
    assert.deepEqual(Object.keys(alice.unmapped), ['compliance', 'resource_type', 'resource', 'muted']);
    assert.equal(alice.cloud.account.name, hostile);
    assert.equal(alice.finding_info.desc, hostile);
    assert.equal(alice.unmapped.muted?.reason, hostile);
    assert.equal(alice.time_dt, '2024-06-30T12:00:00.000Z');
  });

  it('is written in pieces, a finding at a time, named iam_audit_findings_<ts>.ocsf.json with the other reports', () => {
    const audit = sampleRun();
    const findings = evaluateFindings(audit, DEFAULT_THRESHOLDS);
    const pieces = [...ocsfFindingsChunks(audit, findings)];
    assert.equal(pieces.length, findings.length + 2);
    assert.equal(pieces.join(''), ocsfFindingsJson(audit, findings));
    assert.equal([...ocsfFindingsChunks(audit, [])].join(''), '[]\n');
    const file = textReportFiles(buildReportFiles(audit, analyseRun(audit, { ...DEFAULT_THRESHOLDS }))).find((candidate) => candidate.fileName === 'iam_audit_findings_20240630T120000Z.ocsf.json');
    assert.ok(file, 'the OCSF file is one of the reports');
    assert.equal(JSON.parse(file.body).length, findings.length);
  });
});

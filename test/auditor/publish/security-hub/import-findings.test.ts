// The Security Hub import through the real SDK client against the simulated Security Hub: batches,
// refused findings, throttling, and the lifecycle across runs (archived when fixed, reopened when
// back, suppressed while muted).
import assert from 'node:assert/strict';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { evaluateFindings, DEFAULT_THRESHOLDS, type Finding } from '../../../../auditor/analysis/findings';
import type { AccountAudit, AuditRun } from '../../../../auditor/model';
import { importFindingsToSecurityHub, MAX_FINDINGS_PER_CALL, NOTE_AUTHOR, type SecurityHubImportResult } from '../../../../auditor/publish/security-hub/import-findings';
import { defaultProductArn, securityHubFindingId, type SecurityHubTarget } from '../../../../auditor/publish/security-hub/asff';
import { SimulatedOrganization, simulatedClientFactory, type StoredSecurityHubFinding } from '../../../../simulator/simulated-aws';
import { account, accessKey, daysAgo, notAudited, run, user } from '../../../support/run-fixtures';

const AUDITOR = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const TARGET: SecurityHubTarget = { accountId: AUDITOR, region: 'us-east-1', partition: 'aws' };
const PRODUCT = defaultProductArn(TARGET);

function organization(options: ConstructorParameters<typeof SimulatedOrganization>[0]['securityHub'] = {}): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: AUDITOR, recordCalls: true, securityHub: options });
}

/** A console user without MFA (one finding) per name, in PROD. */
function prodWith(userNames: string[], overrides: Partial<AccountAudit> = {}): AccountAudit {
  return account(PROD, 'Prod', {
    users: userNames.map((name) => user(name, { arn: `arn:aws:iam::${PROD}:user/people/${name}`, passwordEnabled: true, passwordLastUsed: daysAgo(3) })),
    ...overrides,
  });
}

function findingsOf(audit: AuditRun): Finding[] {
  return evaluateFindings(audit, DEFAULT_THRESHOLDS);
}

async function importRun(org: SimulatedOrganization, audit: AuditRun, findings: Finding[] = findingsOf(audit), maxAttempts?: number): Promise<SecurityHubImportResult> {
  const clients = simulatedClientFactory(org, maxAttempts === undefined ? {} : { maxAttempts });
  return importFindingsToSecurityHub(clients.securityHub(), { run: audit, findings, target: TARGET });
}

function stored(org: SimulatedOrganization, finding: Finding): StoredSecurityHubFinding {
  const found = org.securityHub.findings().find((candidate) => candidate.Id === securityHubFindingId(finding));
  assert.ok(found, `${finding.key} is in Security Hub`);
  return found;
}

function userFinding(findings: Finding[], userName: string): Finding {
  const found = findings.find((finding) => finding.ruleId === 'console-user-without-mfa' && finding.resource === userName);
  assert.ok(found, `a finding for ${userName}`);
  return found;
}

describe('Security Hub import', () => {
  it('imports every finding as ASFF from the auditor account, naming the audited account in the resources and product fields', async () => {
    const org = organization();
    const audit = run([prodWith(['alice'], { users: [user('alice', { arn: `arn:aws:iam::${PROD}:user/people/alice`, passwordEnabled: true, passwordLastUsed: daysAgo(3), accessKeys: [accessKey('AKIAOLD0000000000001', { createdDate: daysAgo(500) })] })] })]);
    const findings = findingsOf(audit);
    const result = await importRun(org, audit, findings);
    assert.equal(result.imported, findings.length);
    assert.deepEqual(result.failures, []);

    const mfa = stored(org, userFinding(findings, 'alice'));
    assert.equal(mfa.SchemaVersion, '2018-10-08');
    assert.equal(mfa.Id, `iam-audit/console-user-without-mfa|${PROD}|alice`);
    assert.equal(mfa.ProductArn, `arn:aws:securityhub:us-east-1:${AUDITOR}:product/${AUDITOR}/default`);
    assert.equal(mfa.AwsAccountId, AUDITOR, 'the default product takes findings only for the importing account');
    assert.equal(mfa.GeneratorId, 'iam-audit/console-user-without-mfa');
    assert.deepEqual(mfa.Resources, [{ Type: 'AwsIamUser', Id: `arn:aws:iam::${PROD}:user/people/alice`, Partition: 'aws', Region: 'us-east-1', Details: { AwsIamUser: { UserName: 'alice', CreateDate: daysAgo(400), Path: '/people/' } } }]);
    assert.equal((mfa.ProductFields as Record<string, string>)['iam-audit/AuditedAccountId'], PROD);
    assert.equal((mfa.ProductFields as Record<string, string>)['iam-audit/AuditedAccountName'], 'Prod');
    assert.deepEqual(mfa.Severity, { Label: 'CRITICAL', Original: 'critical' });
    assert.deepEqual(mfa.Types, ['Software and Configuration Checks/AWS Security Best Practices', 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark']);
    assert.deepEqual(mfa.Compliance, { Status: 'FAILED', RelatedRequirements: ['CIS AWS Foundations Benchmark v7.0.0/2.10', 'CIS AWS Foundations Benchmark v5.0.0/1.9', 'AWS Security Hub control/IAM.5', 'AWS Security Hub control/IAM.19'] });
    assert.equal(mfa.RecordState, 'ACTIVE');
    assert.equal(mfa.FirstObservedAt, audit.startedAt);
    assert.equal(mfa.LastObservedAt, audit.startedAt);
    assert.match(String((mfa.Remediation as { Recommendation: { Text: string } }).Recommendation.Text), /MFA/);
    assert.match(String(mfa.Title), /alice in 222222222222 \(Prod\)/);

    const key = org.securityHub.findings().find((candidate) => candidate.Id.includes('AKIAOLD0000000000001'));
    assert.ok(key, 'the old key is imported');
    const [keyResource, owner] = key.Resources as { Type: string; Id: string; Details: Record<string, unknown> }[];
    assert.equal(keyResource.Type, 'AwsIamAccessKey');
    assert.equal(keyResource.Id, 'AWS::IAM::AccessKey:AKIAOLD0000000000001');
    assert.deepEqual(keyResource.Details.AwsIamAccessKey, { AccessKeyId: 'AKIAOLD0000000000001', AccountId: PROD, UserName: 'alice', PrincipalName: 'alice', PrincipalType: 'IAMUser', Status: 'Active', CreatedAt: daysAgo(500) });
    assert.equal(owner.Id, `arn:aws:iam::${PROD}:user/people/alice`);
  });

  it('sends at most 100 findings a call and reads the open findings page by page', async () => {
    const org = organization();
    const names = Array.from({ length: 250 }, (_, index) => `user-${String(index).padStart(3, '0')}`);
    const audit = run([prodWith(names)]);
    const result = await importRun(org, audit);
    assert.equal(result.imported, 250);
    const imports = org.callLog.filter((call) => call.operation === 'BatchImportFindings');
    assert.deepEqual(imports.map((call) => (call.input.Findings as unknown[]).length), [100, 100, 50]);
    assert.equal(org.securityHub.findings().length, 250);

    // The second run reads the 250 open findings back in pages of at most 100.
    await importRun(org, audit);
    const reads = org.callLog.filter((call) => call.operation === 'GetFindings');
    assert.equal(reads.length, 1 + 3);
    assert.ok(reads.every((call) => call.input.MaxResults === MAX_FINDINGS_PER_CALL));
  });

  it('updates the same Security Hub finding from run to run, keeping when it was first observed', async () => {
    const org = organization();
    const first = run([prodWith(['alice'])]);
    await importRun(org, first);
    const second = run([prodWith(['alice'])], { runTimestamp: '20240707T120000Z', startedAt: '2024-07-07T12:00:00.000Z' });
    await importRun(org, second);
    const all = org.securityHub.findings();
    assert.equal(all.length, 1, 'no duplicate');
    assert.equal(all[0].FirstObservedAt, first.startedAt);
    assert.equal(all[0].LastObservedAt, second.startedAt);
  });

  it('keeps the CreatedAt of the first import when a finding is imported again, and moves UpdatedAt', async () => {
    const org = organization();
    const clients = simulatedClientFactory(org);
    const first = run([prodWith(['alice'])]);
    await importFindingsToSecurityHub(clients.securityHub(), { run: first, findings: findingsOf(first), target: TARGET, now: () => new Date('2024-06-30T12:05:00.000Z') });
    const second = run([prodWith(['alice'])], { runTimestamp: '20240707T120000Z', startedAt: '2024-07-07T12:00:00.000Z' });
    await importFindingsToSecurityHub(clients.securityHub(), { run: second, findings: findingsOf(second), target: TARGET, now: () => new Date('2024-07-07T12:05:00.000Z') });
    const [again] = org.securityHub.findings();
    assert.equal(org.securityHub.findings().length, 1);
    assert.equal(again.CreatedAt, '2024-06-30T12:05:00.000Z');
    assert.equal(again.UpdatedAt, '2024-07-07T12:05:00.000Z');
  });

  it('reports by id the findings Security Hub refuses, and counts them', async () => {
    const org = organization();
    const audit = run([prodWith(['alice', 'bob'])]);
    const findings = findingsOf(audit);
    // Findings named for another account than the caller: the default product refuses them.
    const clients = simulatedClientFactory(org);
    const result = await importFindingsToSecurityHub(clients.securityHub(), { run: audit, findings, target: { ...TARGET, accountId: '999999999999' } });
    assert.equal(result.imported, 0);
    assert.deepEqual(result.failures.map((failure) => failure.id).sort(), findings.map(securityHubFindingId).sort());
    assert.ok(result.failures.every((failure) => failure.operation === 'BatchImportFindings' && /AccessDenied/.test(failure.reason)));
  });

  it('retries throttled calls', async () => {
    const org = organization();
    org.injectFault({ operation: 'BatchImportFindings', error: 'Throttling', times: 2 });
    const audit = run([prodWith(['alice', 'bob'])]);
    const result = await importRun(org, audit);
    assert.equal(result.imported, 2);
    assert.deepEqual(result.failures, []);
    assert.equal(org.throttles('BatchImportFindings'), 2);
  });

  it('reports by id every finding of a call that failed, and imports the other batches', async () => {
    const org = organization();
    org.injectFault({ operation: 'BatchImportFindings', error: 'AccessDenied', times: 1 });
    const audit = run([prodWith(Array.from({ length: 150 }, (_, index) => `user-${String(index).padStart(3, '0')}`))]);
    const findings = findingsOf(audit);
    const result = await importRun(org, audit, findings);
    assert.equal(result.imported, 50);
    assert.equal(result.failures.length, 100);
    assert.deepEqual(new Set(result.failures.map((failure) => failure.id)), new Set(findings.slice(0, 100).map(securityHubFindingId)));
    assert.ok(result.failures.every((failure) => /not authorized to perform: securityhub:BatchImportFindings/.test(failure.reason)));
  });

  it('archives and resolves a finding that is fixed, and reopens it when it comes back', async () => {
    const org = organization();
    const alice = userFinding(findingsOf(run([prodWith(['alice'])])), 'alice');
    await importRun(org, run([prodWith(['alice', 'bob'])]));

    const fixed = run([prodWith(['bob'])], { runTimestamp: '20240707T120000Z', startedAt: '2024-07-07T12:00:00.000Z' });
    const second = await importRun(org, fixed);
    assert.equal(second.archived, 1);
    const archived = stored(org, alice);
    assert.equal(archived.RecordState, 'ARCHIVED');
    assert.equal((archived.Compliance as { Status: string }).Status, 'PASSED');
    assert.deepEqual(archived.Workflow, { Status: 'RESOLVED' });
    assert.equal(archived.Note?.Text, 'no longer found on 2024-07-07');
    assert.equal(archived.Note?.UpdatedBy, NOTE_AUTHOR);

    const back = run([prodWith(['alice', 'bob'])], { runTimestamp: '20240714T120000Z', startedAt: '2024-07-14T12:00:00.000Z' });
    const third = await importRun(org, back);
    assert.equal(third.archived, 0);
    const reopened = stored(org, alice);
    assert.equal(reopened.RecordState, 'ACTIVE');
    assert.equal((reopened.Compliance as { Status: string }).Status, 'FAILED');
    assert.deepEqual(reopened.Workflow, { Status: 'NEW' });
  });

  it('archives nothing of an account that was not audited completely in this run', async () => {
    const org = organization();
    await importRun(org, run([prodWith(['alice']), account(DEV, 'Dev', { users: [user('dave', { passwordEnabled: true })] })]));
    const before = org.securityHub.findings().map((finding) => finding.Id);
    const partial = prodWith([], { coverage: { accountId: PROD, accountName: 'Prod', state: 'ACTIVE', audited: 'partial', errors: [{ kind: 'incomplete', detail: 'ListMFADevices: AccessDenied' }], skipped: null, userSource: 'credential-report' } });
    const filtered = account(DEV, 'Dev', { users: [], coverage: { accountId: DEV, accountName: 'Dev', state: 'ACTIVE', audited: 'no', errors: [{ kind: 'skipped', detail: 'not in --accounts' }], skipped: 'filter', userSource: 'none' } });
    const result = await importRun(org, run([partial, filtered], { runTimestamp: '20240707T120000Z', startedAt: '2024-07-07T12:00:00.000Z' }));
    assert.equal(result.archived, 0);
    for (const id of before) assert.equal(org.securityHub.findings().find((finding) => finding.Id === id)?.RecordState, 'ACTIVE', `${id} stays open`);

    const failed = await importRun(org, run([notAudited(PROD, 'Prod', 'AssumeRole: AccessDenied')], { runTimestamp: '20240714T120000Z', startedAt: '2024-07-14T12:00:00.000Z' }));
    assert.equal(failed.archived, 0);
  });

  it('leaves alone findings of the default product that another tool imported', async () => {
    const org = organization();
    const clients = simulatedClientFactory(org);
    const foreign: AwsSecurityFinding = {
      SchemaVersion: '2018-10-08', Id: 'other-tool/finding-1', ProductArn: PRODUCT, GeneratorId: 'other-tool', AwsAccountId: AUDITOR,
      Types: ['Software and Configuration Checks/AWS Security Best Practices'], CreatedAt: '2024-06-01T00:00:00.000Z', UpdatedAt: '2024-06-01T00:00:00.000Z',
      Severity: { Label: 'LOW' }, Title: 'other', Description: 'other', Resources: [{ Type: 'Other', Id: 'x' }],
    };
    const { BatchImportFindingsCommand } = await import('@aws-sdk/client-securityhub');
    await clients.securityHub().send(new BatchImportFindingsCommand({ Findings: [foreign] }));
    await importRun(org, run([prodWith(['alice'])]));
    assert.equal(org.securityHub.findings().find((finding) => finding.Id === foreign.Id)?.RecordState, 'ACTIVE');
  });

  it('suppresses a muted finding with the exemption in its note, and sets it back to NEW when no longer muted', async () => {
    const org = organization();
    const audit = run([prodWith(['break-glass', 'alice'])]);
    const muted = findingsOf(audit).map((finding) => (finding.resource === 'break-glass' ? { ...finding, muted: { reason: 'Sealed break-glass user', expires: '2027-06-30' } } : finding));
    const first = await importRun(org, audit, muted);
    assert.equal(first.suppressed, 1);
    const breakGlass = userFinding(muted, 'break-glass');
    assert.deepEqual(stored(org, breakGlass).Workflow, { Status: 'SUPPRESSED' });
    assert.equal(stored(org, breakGlass).Note?.Text, 'Muted by an exemption until 2027-06-30: Sealed break-glass user');
    assert.deepEqual(stored(org, userFinding(muted, 'alice')).Workflow, { Status: 'NEW' });

    // Still muted: nothing to change, no update call.
    const updatesBefore = org.calls('BatchUpdateFindings');
    assert.equal((await importRun(org, audit, muted)).suppressed, 0);
    assert.equal(org.calls('BatchUpdateFindings'), updatesBefore);

    // The exemption expired or was removed.
    const later = run([prodWith(['break-glass', 'alice'])], { runTimestamp: '20240707T120000Z', startedAt: '2024-07-07T12:00:00.000Z' });
    const third = await importRun(org, later);
    assert.equal(third.unsuppressed, 1);
    assert.deepEqual(stored(org, breakGlass).Workflow, { Status: 'NEW' });
    assert.equal(stored(org, breakGlass).Note?.Text, 'no longer muted on 2024-07-07');
  });

  it('does not lift a suppression that a person made in Security Hub', async () => {
    const org = organization();
    const audit = run([prodWith(['alice'])]);
    await importRun(org, audit);
    const { BatchUpdateFindingsCommand } = await import('@aws-sdk/client-securityhub');
    const id = securityHubFindingId(userFinding(findingsOf(audit), 'alice'));
    await simulatedClientFactory(org).securityHub().send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: id, ProductArn: PRODUCT }], Workflow: { Status: 'SUPPRESSED' }, Note: { Text: 'accepted risk', UpdatedBy: 'security-team' } }));
    const result = await importRun(org, audit);
    assert.equal(result.unsuppressed, 0);
    assert.deepEqual(org.securityHub.findings()[0].Workflow, { Status: 'SUPPRESSED' });
    assert.equal(org.securityHub.findings()[0].Note?.Text, 'accepted risk');
  });

  it('reports by id the findings BatchUpdateFindings leaves unprocessed', async () => {
    const org = organization({ unprocessedUpdates: (id) => id.includes('alice') });
    const audit = run([prodWith(['alice'])]);
    const muted = findingsOf(audit).map((finding) => ({ ...finding, muted: { reason: 'known', expires: '2027-01-01' } }));
    const result = await importRun(org, audit, muted);
    assert.equal(result.imported, 1);
    assert.equal(result.suppressed, 0);
    assert.deepEqual(result.failures.map((failure) => [failure.id, failure.operation]), [[securityHubFindingId(muted[0]), 'BatchUpdateFindings']]);
    assert.match(result.failures[0].reason, /ConcurrentUpdateError/);
  });

  it('fails with a clear message when Security Hub is not enabled', async () => {
    const org = organization({ enabled: false });
    const audit = run([prodWith(['alice'])]);
    await assert.rejects(importRun(org, audit), /is Security Hub enabled in account 111111111111, region us-east-1\?.*not subscribed/);
  });
});

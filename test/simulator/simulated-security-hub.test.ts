// The simulated Security Hub behaves as the service does in what the auditor's lifecycle relies on.
import assert from 'node:assert/strict';
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, GetFindingsCommand, paginateGetFindings, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedSecurityHubOptions } from '../../simulator/simulated-aws';

const ACCOUNT = '111111111111';
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;

function finding(id: string, overrides: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: PRODUCT,
    GeneratorId: 'tool/rule',
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: '2024-01-01T00:00:00.000Z',
    UpdatedAt: '2024-01-01T00:00:00.000Z',
    Severity: { Label: 'HIGH' },
    Title: 'title',
    Description: 'description',
    Resources: [{ Type: 'AwsAccount', Id: `arn:aws:iam::${ACCOUNT}:root` }],
    RecordState: 'ACTIVE',
    ...overrides,
  };
}

function hub(options: SimulatedSecurityHubOptions = {}) {
  const org = new SimulatedOrganization({ managementAccountId: ACCOUNT, securityHub: options });
  return { org, client: simulatedClientFactory(org).securityHub() };
}

describe('simulated Security Hub', () => {
  it('answers malformed findings, and findings for another account, in FailedFindings and imports the rest', async () => {
    const { org, client } = hub();
    const answer = await client.send(
      new BatchImportFindingsCommand({
        Findings: [finding('good'), finding('long', { Description: 'x'.repeat(1025) }), finding('untyped', { Types: [] }), finding('other', { AwsAccountId: '222222222222' })],
      }),
    );
    assert.equal(answer.SuccessCount, 1);
    assert.deepEqual(answer.FailedFindings?.map((failed) => [failed.Id, failed.ErrorCode]), [['long', 'InvalidInput'], ['untyped', 'InvalidInput'], ['other', 'AccessDeniedException']]);
    assert.match(answer.FailedFindings?.[0].ErrorMessage ?? '', /Description should NOT be longer than 1024/);
    assert.deepEqual(org.securityHub.findings().map((stored) => stored.Id), ['good']);
    await assert.rejects(client.send(new BatchImportFindingsCommand({ Findings: Array.from({ length: 101 }, (_, index) => finding(`f${index}`)) })), { name: 'InvalidInputException' });
  });

  it('never lets an import change the workflow or note of an existing finding, and ignores an older UpdatedAt', async () => {
    const { org, client } = hub();
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a')] }));
    await client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: 'a', ProductArn: PRODUCT }], Workflow: { Status: 'NOTIFIED' }, Note: { Text: 'ticket 42', UpdatedBy: 'analyst' } }));
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a', { UpdatedAt: '2030-01-01T00:00:00.000Z', Title: 'new title', Workflow: { Status: 'NEW' }, Note: { Text: 'provider', UpdatedBy: 'x', UpdatedAt: '2030-01-01T00:00:00.000Z' } })] }));
    const [stored] = org.securityHub.findings();
    assert.equal(stored.Title, 'new title');
    assert.deepEqual(stored.Workflow, { Status: 'NOTIFIED' });
    assert.equal(stored.Note?.Text, 'ticket 42');

    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a', { UpdatedAt: '2029-01-01T00:00:00.000Z', Title: 'stale' })] }));
    assert.equal(org.securityHub.findings()[0].Title, 'new title');
  });

  it('puts a resolved finding back to NEW when it is imported ACTIVE again after being archived', async () => {
    const { org, client } = hub();
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a')] }));
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a', { UpdatedAt: '2030-01-01T00:00:00.000Z', RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' } })] }));
    await client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: 'a', ProductArn: PRODUCT }], Workflow: { Status: 'RESOLVED' }, Note: { Text: 'fixed', UpdatedBy: 'tool' } }));
    assert.deepEqual(org.securityHub.findings()[0].Workflow, { Status: 'RESOLVED' });
    await client.send(new BatchImportFindingsCommand({ Findings: [finding('a', { UpdatedAt: '2031-01-01T00:00:00.000Z', RecordState: 'ACTIVE', Compliance: { Status: 'FAILED' } })] }));
    assert.deepEqual(org.securityHub.findings()[0].Workflow, { Status: 'NEW' });
    assert.equal(org.securityHub.findings()[0].RecordState, 'ACTIVE');
  });

  it('filters GetFindings and pages it with NextToken; BatchUpdateFindings leaves unknown findings unprocessed', async () => {
    const { client } = hub();
    const findings = Array.from({ length: 150 }, (_, index) => finding(`tool/${index}`, { GeneratorId: index % 2 === 0 ? 'tool/even' : 'other/odd' }));
    await client.send(new BatchImportFindingsCommand({ Findings: findings.slice(0, 100) }));
    await client.send(new BatchImportFindingsCommand({ Findings: findings.slice(100) }));
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateGetFindings({ client, pageSize: 20 }, { Filters: { GeneratorId: [{ Value: 'tool/', Comparison: 'PREFIX' }], RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }] } })) {
      pages += 1;
      ids.push(...(page.Findings ?? []).map((found) => found.Id ?? ''));
    }
    assert.equal(ids.length, 75);
    assert.equal(pages, 4);
    assert.deepEqual((await client.send(new GetFindingsCommand({ Filters: { Id: [{ Value: 'tool/3', Comparison: 'EQUALS' }] } }))).Findings?.map((found) => found.GeneratorId), ['other/odd']);

    const update = await client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [{ Id: 'tool/0', ProductArn: PRODUCT }, { Id: 'missing', ProductArn: PRODUCT }], Workflow: { Status: 'SUPPRESSED' } }));
    assert.deepEqual(update.ProcessedFindings?.map((processed) => processed.Id), ['tool/0']);
    assert.deepEqual(update.UnprocessedFindings?.map((unprocessed) => [unprocessed.FindingIdentifier?.Id, unprocessed.ErrorCode]), [['missing', 'FindingNotFound']]);
  });

  it('throttles beyond the documented burst when rate limits are enforced, and the SDK retries', async () => {
    const { org, client } = hub({ enforceRateLimits: true });
    // GetFindings: a burst of 6, then 3 a second.
    await Promise.all(Array.from({ length: 9 }, () => client.send(new GetFindingsCommand({}))));
    assert.ok(org.throttles('GetFindings') >= 1, 'calls beyond the burst were throttled');
    assert.equal(org.calls('GetFindings') - org.throttles('GetFindings'), 9, 'every call succeeded in the end');
  });

  it('answers InvalidAccessException where Security Hub is not enabled', async () => {
    const { client } = hub({ enabled: false });
    await assert.rejects(client.send(new GetFindingsCommand({})), { name: 'InvalidAccessException', message: /not subscribed to AWS Security Hub/ });
  });
});

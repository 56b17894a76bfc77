// `--security-hub` through the command against the simulated organization: a single run and a
// merged run import, a shard never does, and a failed import is named and exits 1.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../../auditor/cli/audit-command';
import type { Environment } from '../../../../auditor/values/parsers';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedSecurityHubOptions } from '../../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const RUN_TIME = '2024-03-01T12:00:00Z';

function organization(securityHub: SimulatedSecurityHubOptions = {}): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit', securityHub, now: () => new Date(RUN_TIME) })
    .addAccount({ id: MANAGEMENT, name: 'Management', root: { mfa: 'hardware' } })
    .addAccount({ id: PROD, name: 'Prod', root: { mfa: 'hardware' }, users: [{ name: 'erin', password: { lastUsed: '2024-02-28T00:00:00Z' } }] });
}

async function command(org: SimulatedOrganization, argv: string[], env: Environment = {}): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(argv, { env, now: () => new Date(RUN_TIME), stdout: () => undefined, stderr: (text) => (stderr += text), clientFactory: () => simulatedClientFactory(org) });
  return { code, stderr };
}

describe('--security-hub', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-securityhub-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('imports the run\'s findings into the auditor\'s account and says so', async () => {
    const org = organization();
    const result = await command(org, ['--role', 'IamAudit', '--out-dir', scratch, '--no-cloudtrail', '--security-hub']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Security Hub: 1 finding imported into arn:aws:securityhub:us-east-1:111111111111:product\/111111111111\/default/);
    assert.deepEqual(org.securityHub.findings().map((finding) => finding.Id), [`iam-audit/console-user-without-mfa|${PROD}|erin`]);
  });

  it('is also switched on by AUDIT_SECURITY_HUB=true, and a value other than true or false is refused before any call', async () => {
    const org = organization();
    assert.equal((await command(org, ['--role', 'IamAudit', '--out-dir', scratch, '--no-cloudtrail'], { AUDIT_SECURITY_HUB: 'true' })).code, 0);
    assert.equal(org.securityHub.findings().length, 1);

    const refused = organization();
    const result = await command(refused, ['--role', 'IamAudit', '--out-dir', scratch], { AUDIT_SECURITY_HUB: 'yes' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /AUDIT_SECURITY_HUB: expected true or false, got "yes"/);
    assert.equal(refused.calls(), 0);
  });

  it('exits 1 naming the problem when Security Hub is not enabled, after writing the reports', async () => {
    const org = organization({ enabled: false });
    const result = await command(org, ['--role', 'IamAudit', '--out-dir', scratch, '--no-cloudtrail', '--security-hub']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: Security Hub: cannot read the open findings of .*is Security Hub enabled in account 111111111111, region us-east-1\?/);
  });

  it('names every finding Security Hub did not take and exits 1, as for a report that could not be written', async () => {
    const org = organization();
    org.injectFault({ operation: 'BatchImportFindings', error: 'AccessDenied' });
    const result = await command(org, ['--role', 'IamAudit', '--out-dir', scratch, '--no-cloudtrail', '--security-hub']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: Security Hub BatchImportFindings refused iam-audit\/console-user-without-mfa\|222222222222\|erin: AccessDenied/);
    assert.match(result.stderr, /1 finding was not imported or updated in Security Hub/);
  });

  it('never imports from a shard: the flag is refused, the environment variable ignored; the merge imports', async () => {
    const org = organization();
    const refused = await command(org, ['--role', 'IamAudit', '--out-dir', scratch, '--shard', '1/1', '--run-time', RUN_TIME, '--security-hub']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--security-hub: not used by a shard; give it to merge/);

    const parts = path.join(scratch, 'parts');
    const shard = await command(org, ['--role', 'IamAudit', '--out-dir', parts, '--no-cloudtrail', '--shard', '1/1', '--run-time', RUN_TIME], { AUDIT_SECURITY_HUB: 'true' });
    assert.equal(shard.code, 0, shard.stderr);
    assert.equal(org.calls('BatchImportFindings') + org.calls('GetFindings'), 0);
    assert.equal(org.securityHub.findings().length, 0);

    const merged = await command(org, ['merge', '--from', parts, '--out-dir', path.join(scratch, 'merged'), '--security-hub']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stderr, /^merged 1 shard part of run /m);
    assert.equal(org.securityHub.findings().length, 1);
  });
});

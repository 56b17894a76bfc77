// `npm run bench:security-hub [-- <findings>]`: how fast the Security Hub import goes against the
// simulated Security Hub with the API's documented rate limits enforced (BatchImportFindings and
// BatchUpdateFindings 10 calls a second, burst 30; GetFindings 3, burst 6). Two runs: the first
// imports every finding into an empty hub, the second reads them back and imports them again.
import { DEFAULT_THRESHOLDS, evaluateFindings } from '../auditor/analysis/findings';
import { DEFAULT_AUDIT_ROLE_NAME } from '../auditor/values/audit-role';
import { SCHEMA_VERSION, type AuditRun, type IamUserRecord } from '../auditor/model';
import { importFindingsToSecurityHub } from '../auditor/publish/security-hub/import-findings';
import { SimulatedOrganization, simulatedClientFactory } from '../simulator/simulated-aws';

const AUDITOR = '111111111111';
const AUDITED = '222222222222';

function consoleUserWithoutMfa(index: number): IamUserRecord {
  const userName = `user-${String(index).padStart(6, '0')}`;
  return {
    userName, arn: `arn:aws:iam::${AUDITED}:user/${userName}`, createdDate: '2023-01-01T00:00:00.000Z',
    passwordEnabled: true, passwordLastUsed: '2024-06-29T00:00:00.000Z', passwordLastChanged: null,
    mfaActive: false, mfaType: 'None', mfaDevices: [], accessKeys: [],
  };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`expected a number of findings, got ${process.argv[2]}`);
  const run: AuditRun = {
    schemaVersion: SCHEMA_VERSION, runTimestamp: '20240630T120000Z', startedAt: '2024-06-30T12:00:00.000Z', finishedAt: '2024-06-30T12:05:00.000Z',
    partition: 'aws', managementAccountId: AUDITOR, roleName: DEFAULT_AUDIT_ROLE_NAME, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 },
    accounts: [{
      account: { id: AUDITED, name: 'Prod', state: 'ACTIVE', isManagementAccount: false },
      coverage: { accountId: AUDITED, accountName: 'Prod', state: 'ACTIVE', audited: 'yes', errors: [], skipped: null, userSource: 'credential-report' },
      users: Array.from({ length: count }, (_, index) => consoleUserWithoutMfa(index)),
      root: { mfaEnabled: true, mfaType: 'Hardware', accessKeysActive: false, accessKeysPresent: 0, passwordEnabled: true, passwordLastUsed: null, signingCertificatesActive: false },
      events: [],
    }],
  };
  const findings = evaluateFindings(run, DEFAULT_THRESHOLDS);
  const org = new SimulatedOrganization({ managementAccountId: AUDITOR, securityHub: { enforceRateLimits: true } });
  const client = simulatedClientFactory(org).securityHub();
  const target = { accountId: AUDITOR, region: 'us-east-1', partition: 'aws' };
  console.log(`Security Hub import of ${findings.length} findings, simulated rate limits enforced`);
  for (const label of ['first run (empty hub)', 'second run (all open)']) {
    const started = process.hrtime.bigint();
    const result = await importFindingsToSecurityHub(client, { run, findings, target });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`  ${label}: ${result.imported} imported in ${seconds.toFixed(1)} s = ${Math.round(result.imported / seconds)} findings/s; ` +
      `${result.failures.length} failed; calls GetFindings ${org.calls('GetFindings')}, BatchImportFindings ${org.calls('BatchImportFindings')}, throttled ${org.throttles()}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

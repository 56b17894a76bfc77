import { strict as assert } from 'assert';
import { evaluateFindings } from '../../../auditor/analysis/findings';
import { rootRows } from '../../../auditor/reports/root-report';
import { runAudit } from '../../../auditor/run/run-audit';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

// Centralized root access leaves member accounts with a root user that has no password and no
// keys: MFA is then neither possible nor necessary, and the root report says so instead of alarming.

const MANAGEMENT = '111111111111';
const CENTRALIZED = '222222222222';
const PASSWORD_NO_MFA = '333333333333';
const KEY_ONLY = '444444444444';

async function audit() {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit' })
    .addAccount({ id: MANAGEMENT, name: 'management', root: { mfa: 'hardware' } })
    .addAccount({ id: CENTRALIZED, name: 'centralized', root: { mfa: 'none', password: false } })
    .addAccount({ id: PASSWORD_NO_MFA, name: 'password', root: { mfa: 'none', passwordLastUsed: '2024-01-02T00:00:00Z' } })
    .addAccount({ id: KEY_ONLY, name: 'key-only', root: { mfa: 'none', password: false, accessKeys: [{ created: '2019-01-01T00:00:00Z' }] } });
  return runAudit({ roleName: 'Audit', concurrency: 2, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 } }, simulatedClientFactory(org));
}

describe('root credentials (simulated organization)', () => {
  it('gives no root finding for a root user with neither password nor keys, and says why in the root report', async () => {
    const run = await audit();
    const rootFindings = evaluateFindings(run).filter((finding) => finding.resourceType === 'root');
    assert.deepEqual(rootFindings.filter((finding) => finding.accountId === CENTRALIZED), []);
    const row = rootRows(run).find((cells) => cells[0] === CENTRALIZED);
    assert.equal(row?.at(-1), 'no root credentials');
    assert.equal(run.accounts.find((account) => account.account.id === CENTRALIZED)?.root?.passwordEnabled, false);
  });

  it('keeps root-without-mfa critical for a root user with a password, or with only an access key', async () => {
    const run = await audit();
    const withoutMfa = evaluateFindings(run).filter((finding) => finding.ruleId === 'root-without-mfa');
    assert.deepEqual(withoutMfa.map((finding) => [finding.accountId, finding.severity]).sort(), [[PASSWORD_NO_MFA, 'critical'], [KEY_ONLY, 'critical']].sort());
    assert.match(withoutMfa.find((finding) => finding.accountId === PASSWORD_NO_MFA)?.evidence ?? '', /root password last used 2024-01-02/);
    const rows = rootRows(run);
    assert.equal(rows.find((cells) => cells[0] === PASSWORD_NO_MFA)?.at(-1), 'password');
    assert.equal(rows.find((cells) => cells[0] === KEY_ONLY)?.at(-1), 'access key');
  });
});

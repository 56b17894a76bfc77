import { strict as assert } from 'assert';
import { IDENTITY_CENTER_ACTIONS } from '../../../auditor/collectors/identity-center';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { defineAccountCollector, runCacheKey, type RegisteredCollector } from '../../../auditor/collectors/account-collector';
import { ACCOUNT_COLLECTORS } from '../../../auditor/collectors/registry';
import { coverageReasonText } from '../../../auditor/coverage-reasons';
import type { AccountGuardrails, GuardrailVerdict, OrgAccount } from '../../../auditor/model';
import { AUDIT_ROLE_ACTIONS, MANAGEMENT_ACTIONS } from '../../../auditor/permissions';
import { auditAccount, auditAccountWithinLimits, type AccountContext } from '../../../auditor/run/audit-account';
import { RunCache } from '../../../auditor/collectors/account-collector';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

// The collector seam: what the registry declares reaches the policies, and an account's audit runs
// whatever is registered, assembling its parts and coverage, with the account's deadline on every
// client a collector is given (the management side's included).

const MANAGEMENT = '111111111111';
const MEMBERS: OrgAccount[] = ['222222222222', '333333333333'].map((id) => ({ id, name: `member-${id}`, state: 'ACTIVE', isManagementAccount: false }));

function organization(): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit', recordCalls: true })
    .addAccount({ id: MANAGEMENT, name: 'management' })
    .addAccount({ id: MEMBERS[0].id, name: MEMBERS[0].name, users: [{ name: 'alice', password: {} }] })
    .addAccount({ id: MEMBERS[1].id, name: MEMBERS[1].name });
}

function verdict(detail: string): GuardrailVerdict {
  return { status: 'unknown', exemptedUsers: [], policyIds: [], detail };
}

const ORGANIZATION_ID = runCacheKey<Promise<string>>('the organization id');

/** A planted collector: reads the organization once per run, from the management side, and fills `guardrails`. */
function plantedCollector(runs: { enabled: boolean } = { enabled: true }): RegisteredCollector {
  return defineAccountCollector({
    name: 'planted',
    collects: 'the organization id, as every verdict',
    actions: { auditRole: [], management: ['organizations:DescribeOrganization'] },
    runsWhen: () => runs.enabled,
    async collect({ clients, run }) {
      const id = await run.get(ORGANIZATION_ID, async () => {
        const answer = await clients.organizations().send(new DescribeOrganizationCommand({}));
        return answer.Organization?.Id ?? '';
      });
      return { value: id, errors: id === '' ? [{ kind: 'incomplete', detail: 'no organization id' }] : [] };
    },
    fill: (id: string): { guardrails: AccountGuardrails } => ({
      guardrails: { levels: null, noAccessKeys: verdict(id), consoleMfa: verdict(id), rootUser: verdict(id), centralizedRoot: { status: 'unknown', features: [], detail: id } },
    }),
    unavailable: { guardrails: undefined },
    failedStep: 'planted collection failed',
  });
}

function context(org: SimulatedOrganization, collectors: readonly RegisteredCollector[], runCache = new RunCache()): AccountContext {
  return {
    options: { roleName: 'Audit', concurrency: 1, cloudTrail: { enabled: false, region: 'us-east-1', sinceDays: 90 } },
    clients: simulatedClientFactory(org),
    partition: 'aws',
    sessionName: 'registry-test',
    now: new Date(),
    runCache,
    collectors,
  };
}

describe('the collector registry', () => {
  it('declares each collector once, with well-formed actions and the parts it fills', () => {
    const names = ACCOUNT_COLLECTORS.map((collector) => collector.name);
    assert.deepEqual(names, ['users and root', 'inventory', 'CloudTrail']);
    for (const collector of ACCOUNT_COLLECTORS) {
      assert.ok(collector.fills.length > 0, `${collector.name} fills a part of the account's audit`);
      for (const action of [...collector.actions.auditRole, ...collector.actions.management]) assert.match(action, /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/, `${collector.name}: ${action}`);
    }
    assert.deepEqual(ACCOUNT_COLLECTORS.map((collector) => collector.fills), [['users', 'root', 'userSource'], ['inventory'], ['events']]);
  });

  it('is where the audit role and the management-side policy get their actions', () => {
    // The registry's account collectors, then the organization's Identity Center (read once per run).
    assert.deepEqual([...AUDIT_ROLE_ACTIONS], [...new Set([...ACCOUNT_COLLECTORS.flatMap((collector) => collector.actions.auditRole), ...IDENTITY_CENTER_ACTIONS])]);
    const management = ACCOUNT_COLLECTORS.flatMap((collector) => collector.actions.management);
    assert.deepEqual(management.filter((action) => !MANAGEMENT_ACTIONS.includes(action)), []);
    assert.deepEqual(new Set(AUDIT_ROLE_ACTIONS).size, AUDIT_ROLE_ACTIONS.length, 'each action once');
  });
});

describe("an account's audit over the registered collectors", () => {
  it('runs a collector added to the registry, puts its part after the others and reads what it keeps for the run once', async () => {
    const org = organization();
    const runCache = new RunCache();
    const audits = await Promise.all(MEMBERS.map((account) => auditAccount(account, context(org, [...ACCOUNT_COLLECTORS, plantedCollector()], runCache))));
    for (const audit of audits) {
      assert.equal(audit.coverage.audited, 'yes');
      assert.match(audit.guardrails?.noAccessKeys.detail ?? '', /^o-/);
      assert.deepEqual(Object.keys(audit), ['account', 'coverage', 'users', 'root', 'events', 'inventory', 'guardrails']);
    }
    assert.deepEqual(audits[0].users.map((user) => user.userName), ['alice']);
    assert.equal(org.calls('DescribeOrganization'), 1, 'one read for the run, shared by both accounts');
  });

  it('marks the account partial with the collector’s step when it fails, and leaves its part as declared unavailable', async () => {
    const org = organization();
    org.injectFault({ operation: 'DescribeOrganization', error: 'AccessDenied' });
    const audit = await auditAccount(MEMBERS[0], context(org, [...ACCOUNT_COLLECTORS, plantedCollector()]));
    assert.equal(audit.coverage.audited, 'partial');
    assert.deepEqual(audit.coverage.errors.map((error) => [error.kind, error.detail.split(':')[0]]), [['failed', 'planted collection failed']]);
    assert.equal(audit.guardrails, undefined);
    assert.deepEqual(audit.users.map((user) => user.userName), ['alice'], 'the other collectors are untouched');
  });

  it('leaves out a collector the run does not ask for, and its part with it', async () => {
    const org = organization();
    const audit = await auditAccount(MEMBERS[0], context(org, [...ACCOUNT_COLLECTORS, plantedCollector({ enabled: false })]));
    assert.equal('guardrails' in audit, false);
    assert.equal(org.calls('DescribeOrganization'), 0);
    assert.equal(org.calls('LookupEvents'), 0, 'CloudTrail is not asked for either');
  });

  it("cuts a management-side call at the account's deadline and names it", async function () {
    this.timeout(20_000);
    const org = organization();
    org.injectFault({ operation: 'DescribeOrganization', connection: 'hang' });
    const audit = await auditAccountWithinLimits(MEMBERS[0], context(org, [plantedCollector()]), { timeoutSeconds: 1 });
    assert.deepEqual(audit.coverage.errors.map(coverageReasonText), ['timed out after 1 s in DescribeOrganization']);
    assert.equal(audit.coverage.audited, 'no');
  });
});

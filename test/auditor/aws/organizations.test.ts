import { strict as assert } from 'assert';
import { accountState, describeManagementAccountId, listOrganizationAccounts } from '../../../auditor/aws/organizations';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

describe('organization accounts', () => {
  it('reads State, and the retired Status only when State is absent', () => {
    assert.equal(accountState({ State: 'PENDING_CLOSURE', Status: 'ACTIVE' }), 'PENDING_CLOSURE');
    assert.equal(accountState({ Status: 'SUSPENDED' }), 'SUSPENDED');
    assert.equal(accountState({}), 'UNKNOWN');
  });

  it('lists every account over several pages, in order, with its state', async () => {
    const org = new SimulatedOrganization({ managementAccountId: '100000000000', pageSizes: { organizations: 3 } });
    org.addAccounts(8, (index) => ({
      id: String(100000000000 + index),
      name: `account-${index}`,
      ...(index === 5 ? { state: 'SUSPENDED' } : {}),
      ...(index === 6 ? { state: 'ACTIVE', stateField: 'Status' as const } : {}),
    }));
    const client = simulatedClientFactory(org).organizations();
    const accounts = await listOrganizationAccounts(client, '100000000000');
    assert.equal(org.calls('ListAccounts'), 3);
    assert.deepEqual(accounts.map((account) => account.id), Array.from({ length: 8 }, (_, index) => String(100000000000 + index)));
    assert.equal(accounts[5].state, 'SUSPENDED');
    assert.equal(accounts[6].state, 'ACTIVE');
    assert.deepEqual(accounts.filter((account) => account.isManagementAccount).map((account) => account.id), ['100000000000']);
    assert.equal(accounts[1].name, 'account-1');
    assert.equal(await describeManagementAccountId(client), '100000000000');
  });
});

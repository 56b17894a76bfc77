import { strict as assert } from 'assert';
import { accountState, describeOrganization, listOrganizationAccounts } from '../../../auditor/aws/organizations';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';
import { distinctPages, RepeatedPageTokenError } from '../../../auditor/aws/pages';

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
    assert.deepEqual(await describeOrganization(client), { managementAccountId: '100000000000', organizationId: 'o-simulated01' });
  });

  it('fails when ListAccounts lists no account at all: an organization always has its management account', async () => {
    const org = new SimulatedOrganization({ managementAccountId: '100000000000' });
    await assert.rejects(listOrganizationAccounts(simulatedClientFactory(org).organizations(), null), /ListAccounts listed no account/);
  });

  it('ends a ListAccounts that returns the same NextToken again, after the second page', async () => {
    const client = simulatedClientFactory(new SimulatedOrganization({ managementAccountId: '100000000000' })).organizations();
    let calls = 0;
    client.middlewareStack.add(
      () => async () => {
        calls += 1;
        return { output: { $metadata: {}, Accounts: [{ Id: String(100000000000 + calls), State: 'ACTIVE' }], NextToken: 'again' }, response: {} };
      },
      { step: 'initialize', name: 'loopingListAccounts' },
    );
    await assert.rejects(listOrganizationAccounts(client, null), (error: Error) => error instanceof RepeatedPageTokenError && /ListAccounts returned a page token it had already returned/.test(error.message));
    assert.equal(calls, 2);
  });

  it('passes pages whose tokens differ, and pages without a token', async () => {
    async function* pages() {
      yield { NextToken: 'a' };
      yield { NextToken: 'b' };
      yield { NextToken: undefined };
    }
    const seen: (string | undefined)[] = [];
    for await (const page of distinctPages(pages(), 'ListUsers', 'NextToken')) seen.push(page.NextToken);
    assert.deepEqual(seen, ['a', 'b', undefined]);
  });
});

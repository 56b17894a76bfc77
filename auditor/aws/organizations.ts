// The accounts to audit, from AWS Organizations. Run with the credentials of the management
// account or of a delegated administrator account.
import { DescribeOrganizationCommand, paginateListAccounts, type Account, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { OrgAccount } from '../model';
import { distinctPages } from './pages';

/**
 * `State` is the current field; `Status` is retired but still the only one some endpoints and
 * older organizations return, so it is read only when `State` is absent.
 */
export function accountState(account: Pick<Account, 'State' | 'Status'>): string {
  return account.State ?? account.Status ?? 'UNKNOWN';
}

export function toOrgAccount(account: Account, managementAccountId: string | null): OrgAccount {
  if (!account.Id) throw new Error('ListAccounts returned an account without an Id');
  const record: OrgAccount = {
    id: account.Id,
    name: account.Name ?? '',
    state: accountState(account),
    isManagementAccount: account.Id === managementAccountId,
  };
  if (account.Email) record.email = account.Email;
  return record;
}

/**
 * Every account of the organization, paged to the end, in the order Organizations lists them. An
 * answer with no account at all is an error: an organization always has its management account,
 * so nothing listed means nothing usable was answered, not an organization with nothing to audit.
 */
export async function listOrganizationAccounts(client: OrganizationsClient, managementAccountId: string | null): Promise<OrgAccount[]> {
  const accounts: OrgAccount[] = [];
  const seen = new Set<string>();
  for await (const page of distinctPages(paginateListAccounts({ client }, {}), 'ListAccounts', 'NextToken')) {
    for (const account of page.Accounts ?? []) {
      const record = toOrgAccount(account, managementAccountId);
      // Pages are read one after the other; an account listed twice would be audited and reported twice.
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      accounts.push(record);
    }
  }
  if (accounts.length === 0) throw new Error('ListAccounts listed no account: an organization always has at least its management account');
  return accounts;
}

/** What the run needs of the organization: its management account and its id (for `aws:PrincipalOrgID` conditions). */
export interface OrganizationIdentity {
  managementAccountId: string | null;
  organizationId: string | null;
}

export async function describeOrganization(client: OrganizationsClient): Promise<OrganizationIdentity> {
  const answer = await client.send(new DescribeOrganizationCommand({}));
  return { managementAccountId: answer.Organization?.MasterAccountId ?? null, organizationId: answer.Organization?.Id ?? null };
}

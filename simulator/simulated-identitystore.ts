// The simulated Identity Center identity store (identitystore): its users, groups and group
// memberships, every list paged. Answered to the accounts that administer the instance, in its
// home region, for its identity store id.
import { okMetadata, page, pageSize } from './simulated-account-state';
import { simulatedError, simulatedServiceError, type SimulatedErrorContext } from './simulated-errors';
import type { SimulatedIdentityCenterState } from './simulated-identity-center-state';
import type { SimulatedOrganizationOptions } from './simulated-specs';

export class SimulatedIdentityStore {
  constructor(
    private readonly state: SimulatedIdentityCenterState | null,
    private readonly options: SimulatedOrganizationOptions,
  ) {}

  private paged<T>(items: T[], input: Record<string, unknown>): { items: T[]; NextToken?: string } {
    const { items: pageItems, next } = page('identitystore', items, input.NextToken, pageSize(this.options, 'identityCenter', input.MaxResults));
    return next === undefined ? { items: pageItems } : { items: pageItems, NextToken: next };
  }

  /** Answers an identitystore operation, or undefined when it has none of that name. */
  answer(operation: string, accountId: string, region: string, input: Record<string, unknown>, context: SimulatedErrorContext): object | undefined {
    if (!['ListUsers', 'ListGroups', 'ListGroupMemberships'].includes(operation)) return undefined;
    const state = this.state;
    if (state === null || state.region !== region || !state.administeredFrom(accountId)) throw simulatedError('AccessDenied', { ...context, resource: String(input.IdentityStoreId) });
    const resolved = state.resolved();
    if (input.IdentityStoreId !== resolved.identityStoreId) throw simulatedServiceError('identitystore', 'ResourceNotFoundException', `Identity store ${String(input.IdentityStoreId)} not found`);
    const { identityStoreId } = resolved;
    switch (operation) {
      case 'ListUsers': {
        const { items, ...paging } = this.paged(resolved.users, input);
        return {
          $metadata: okMetadata(),
          Users: items.map((user) => ({ IdentityStoreId: identityStoreId, UserId: user.userId, UserName: user.spec.userName, ...(user.spec.displayName ? { DisplayName: user.spec.displayName } : {}) })),
          ...paging,
        };
      }
      case 'ListGroups': {
        const { items, ...paging } = this.paged(resolved.groups, input);
        return { $metadata: okMetadata(), Groups: items.map((group) => ({ IdentityStoreId: identityStoreId, GroupId: group.groupId, DisplayName: group.spec.displayName })), ...paging };
      }
      default: {
        const group = resolved.groups.find((candidate) => candidate.groupId === input.GroupId);
        if (group === undefined) throw simulatedServiceError('identitystore', 'ResourceNotFoundException', `Group ${String(input.GroupId)} not found`);
        const { items, ...paging } = this.paged(group.memberIds, input);
        return {
          $metadata: okMetadata(),
          GroupMemberships: items.map((userId, index) => ({ IdentityStoreId: identityStoreId, MembershipId: `${group.groupId.slice(0, 24)}${String(index).padStart(12, '0')}`, GroupId: group.groupId, MemberId: { UserId: userId } })),
          ...paging,
        };
      }
    }
  }
}

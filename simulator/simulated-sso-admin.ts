// The simulated IAM Identity Center administration API (sso-admin, actions `sso:*`): the instance,
// its permission sets with their policies, the accounts each is provisioned to and the assignments
// there, every list paged. Only the management account and the delegated administrator of
// `sso.amazonaws.com` see the instance, and only in its home region, as in AWS.
import { okMetadata, page, pageSize } from './simulated-account-state';
import { simulatedError, simulatedServiceError, type SimulatedErrorContext } from './simulated-errors';
import type { ResolvedPermissionSet, SimulatedIdentityCenterState } from './simulated-identity-center-state';
import type { SimulatedOrganizationOptions } from './simulated-specs';

const PERMISSION_SET_CREATED = new Date('2023-01-01T00:00:00.000Z');

export class SimulatedSsoAdmin {
  constructor(
    private readonly state: SimulatedIdentityCenterState | null,
    private readonly options: SimulatedOrganizationOptions,
  ) {}

  private paged<T>(items: T[], input: Record<string, unknown>): { items: T[]; NextToken?: string } {
    const { items: pageItems, next } = page('sso', items, input.NextToken, pageSize(this.options, 'identityCenter', input.MaxResults));
    return next === undefined ? { items: pageItems } : { items: pageItems, NextToken: next };
  }

  /** Answers an sso-admin operation called from `accountId` in `region`, or undefined when sso-admin has none of that name. */
  answer(operation: string, accountId: string, region: string, input: Record<string, unknown>, context: SimulatedErrorContext): object | undefined {
    const visible = this.state !== null && this.state.region === region && this.state.administeredFrom(accountId) ? this.state : null;
    if (operation === 'ListInstances') {
      if (visible === null) return { $metadata: okMetadata(), Instances: [] };
      const resolved = visible.resolved();
      const { items, ...paging } = this.paged([resolved], input);
      return {
        $metadata: okMetadata(),
        Instances: items.map((instance) => ({
          InstanceArn: instance.instanceArn,
          IdentityStoreId: instance.identityStoreId,
          OwnerAccountId: this.options.managementAccountId,
          Name: 'organization',
          Status: 'ACTIVE',
          CreatedDate: PERMISSION_SET_CREATED,
        })),
        ...paging,
      };
    }
    const handlers: Record<string, (() => object) | undefined> = {
      ListPermissionSets: () => this.listPermissionSets(this.instance(visible, input, context), input),
      DescribePermissionSet: () => this.describePermissionSet(this.permissionSet(visible, input, context)),
      ListManagedPoliciesInPermissionSet: () => this.listManagedPolicies(this.permissionSet(visible, input, context), input),
      ListCustomerManagedPolicyReferencesInPermissionSet: () => this.listCustomerManagedPolicies(this.permissionSet(visible, input, context), input),
      GetInlinePolicyForPermissionSet: () => this.inlinePolicy(this.permissionSet(visible, input, context)),
      GetPermissionsBoundaryForPermissionSet: () => this.permissionsBoundary(this.permissionSet(visible, input, context)),
      ListAccountsForProvisionedPermissionSet: () => this.provisionedAccounts(visible, this.permissionSet(visible, input, context), input),
      ListAccountAssignments: () => this.accountAssignments(visible, this.permissionSet(visible, input, context), input),
    };
    return handlers[operation]?.();
  }

  private instance(visible: SimulatedIdentityCenterState | null, input: Record<string, unknown>, context: SimulatedErrorContext): SimulatedIdentityCenterState {
    if (visible === null) throw simulatedError('AccessDenied', { ...context, resource: String(input.InstanceArn) });
    if (input.InstanceArn !== visible.resolved().instanceArn) throw simulatedServiceError('sso', 'ValidationException', `The instance ${String(input.InstanceArn)} does not exist.`);
    return visible;
  }

  private permissionSet(visible: SimulatedIdentityCenterState | null, input: Record<string, unknown>, context: SimulatedErrorContext): ResolvedPermissionSet {
    const state = this.instance(visible, input, context);
    const permissionSet = typeof input.PermissionSetArn === 'string' ? state.resolved().permissionSetsByArn.get(input.PermissionSetArn) : undefined;
    if (permissionSet === undefined) throw simulatedServiceError('sso', 'ResourceNotFoundException', `The permission set ${String(input.PermissionSetArn)} does not exist.`);
    return permissionSet;
  }

  private listPermissionSets(state: SimulatedIdentityCenterState, input: Record<string, unknown>): object {
    const { items, ...paging } = this.paged(state.resolved().permissionSets, input);
    return { $metadata: okMetadata(), PermissionSets: items.map((permissionSet) => permissionSet.arn), ...paging };
  }

  private describePermissionSet(permissionSet: ResolvedPermissionSet): object {
    return {
      $metadata: okMetadata(),
      PermissionSet: {
        Name: permissionSet.spec.name,
        PermissionSetArn: permissionSet.arn,
        CreatedDate: PERMISSION_SET_CREATED,
        SessionDuration: permissionSet.spec.sessionDuration ?? 'PT1H',
      },
    };
  }

  private listManagedPolicies(permissionSet: ResolvedPermissionSet, input: Record<string, unknown>): object {
    const { items, ...paging } = this.paged(permissionSet.spec.managedPolicies ?? [], input);
    return { $metadata: okMetadata(), AttachedManagedPolicies: items.map((arn) => ({ Name: arn.slice(arn.lastIndexOf('/') + 1), Arn: arn })), ...paging };
  }

  private listCustomerManagedPolicies(permissionSet: ResolvedPermissionSet, input: Record<string, unknown>): object {
    const { items, ...paging } = this.paged(permissionSet.spec.customerManagedPolicies ?? [], input);
    return { $metadata: okMetadata(), CustomerManagedPolicyReferences: items.map((reference) => ({ Name: reference.name, Path: reference.path ?? '/' })), ...paging };
  }

  private inlinePolicy(permissionSet: ResolvedPermissionSet): object {
    const document = permissionSet.spec.inlinePolicy;
    return { $metadata: okMetadata(), InlinePolicy: document === undefined ? '' : JSON.stringify(document) };
  }

  private permissionsBoundary(permissionSet: ResolvedPermissionSet): object {
    const boundary = permissionSet.spec.permissionsBoundary;
    // AWS answers a permission set without a boundary with ResourceNotFoundException.
    if (boundary === undefined) throw simulatedServiceError('sso', 'ResourceNotFoundException', 'Policy does not exist');
    return {
      $metadata: okMetadata(),
      PermissionsBoundary:
        'managedPolicyArn' in boundary
          ? { ManagedPolicyArn: boundary.managedPolicyArn }
          : { CustomerManagedPolicyReference: { Name: boundary.customerManagedPolicy.name, Path: boundary.customerManagedPolicy.path ?? '/' } },
    };
  }

  private provisionedAccounts(visible: SimulatedIdentityCenterState | null, permissionSet: ResolvedPermissionSet, input: Record<string, unknown>): object {
    const accounts = [...(visible?.resolved().assignments.get(permissionSet.arn)?.keys() ?? [])];
    const { items, ...paging } = this.paged(accounts, input);
    return { $metadata: okMetadata(), AccountIds: items, ...paging };
  }

  private accountAssignments(visible: SimulatedIdentityCenterState | null, permissionSet: ResolvedPermissionSet, input: Record<string, unknown>): object {
    if (typeof input.AccountId !== 'string') throw simulatedServiceError('sso', 'ValidationException', 'AccountId is required');
    const assignments = visible?.resolved().assignments.get(permissionSet.arn)?.get(input.AccountId) ?? [];
    const { items, ...paging } = this.paged(assignments, input);
    return {
      $metadata: okMetadata(),
      AccountAssignments: items.map((assignment) => ({ AccountId: assignment.accountId, PermissionSetArn: assignment.permissionSetArn, PrincipalType: assignment.principalType, PrincipalId: assignment.principalId })),
      ...paging,
    };
  }
}

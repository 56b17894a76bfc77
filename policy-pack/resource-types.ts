// Pulumi type tokens the guardrails look at. Tokens rather than the provider SDK classes, so the
// pack does not load the AWS providers' SDKs (the engine passes the token with every resource).
export const ResourceType = {
  accessKey: 'aws:iam/accessKey:AccessKey',
  nativeAccessKey: 'aws-native:iam:AccessKey',
  cloudFormationStack: 'aws:cloudformation/stack:Stack',
  cloudFormationStackSet: 'aws:cloudformation/stackSet:StackSet',
  user: 'aws:iam/user:User',
  userLoginProfile: 'aws:iam/userLoginProfile:UserLoginProfile',
  userPolicy: 'aws:iam/userPolicy:UserPolicy',
  userPolicyAttachment: 'aws:iam/userPolicyAttachment:UserPolicyAttachment',
  policy: 'aws:iam/policy:Policy',
  policyAttachment: 'aws:iam/policyAttachment:PolicyAttachment',
  group: 'aws:iam/group:Group',
  groupPolicy: 'aws:iam/groupPolicy:GroupPolicy',
  groupPolicyAttachment: 'aws:iam/groupPolicyAttachment:GroupPolicyAttachment',
  groupMembership: 'aws:iam/groupMembership:GroupMembership',
  userGroupMembership: 'aws:iam/userGroupMembership:UserGroupMembership',
  role: 'aws:iam/role:Role',
  nativeRole: 'aws-native:iam:Role',
  nativeUser: 'aws-native:iam:User',
  nativeUserPolicy: 'aws-native:iam:UserPolicy',
  nativeGroup: 'aws-native:iam:Group',
  nativeGroupPolicy: 'aws-native:iam:GroupPolicy',
  nativeManagedPolicy: 'aws-native:iam:ManagedPolicy',
} as const;

export const CLOUDFORMATION_TEMPLATE_TYPES: readonly string[] = [ResourceType.cloudFormationStack, ResourceType.cloudFormationStackSet];

/** How a violation names the resource: its type, its name and its URN. */
export function describeResource(resource: { type: string; name: string; urn: string }): string {
  return `${resource.type} "${resource.name}" (${resource.urn})`;
}

import { PolicyResource, ReportViolation, StackValidationPolicy } from '@pulumi/policy';
import { AccessGraph, IdentityRef, matchRefs } from '../access-graph';
import { CloudFormationTemplate, readTemplate } from '../cloudformation-template';
import { KnownObject, KnownValue, UnknownValue, asKnownObject, asList, readKnown } from '../known-value';
import { ACCOUNT_ID_PART, UNRESOLVED_PART, renderPlainString } from '../policy-document';
import { CLOUDFORMATION_TEMPLATE_TYPES, ResourceType, describeResource } from '../resource-types';

export const CONSOLE_USERS_REQUIRE_MFA = 'iam-console-users-require-mfa';

const HOW_TO_FIX =
  'Attach to the user (or to a group it belongs to), in the same stack, a policy with the statement ' +
  '{"Effect": "Deny", "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", ' +
  '"iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "iam:ChangePassword", "sts:GetSessionToken"], "Resource": "*", ' +
  '"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}, so the password alone opens nothing but MFA setup. ' +
  'Better still, give people IAM Identity Center instead of IAM users.';

type IdentityKind = 'user' | 'group' | 'policy';

function keyFor(kind: IdentityKind, value: string): string {
  return `${kind}:${kind === 'policy' ? 'arn' : 'name'}:${value}`;
}

/**
 * A managed policy's path and name as its ARN ends (`arn:aws:iam::123456789012:policy/team/name`
 * → `policy:path:/team/name`): during preview a new policy's ARN is unknown while its name and the
 * ARN an attachment spells out are not.
 */
function policyPathKey(arn: string): string | undefined {
  const marker = arn.indexOf(':policy/');
  return marker < 0 ? undefined : `policy:path:${arn.slice(marker + ':policy'.length)}`;
}

// ---- Pulumi resources ---------------------------------------------------------------------------

interface ReadResource {
  resource: PolicyResource;
  props: KnownObject;
}

/** The stack resources that are a user, group or managed policy, and the properties that name them. */
const ENTITY_TYPES: Record<string, { kind: IdentityKind; nameProperty: string; arnProperty?: string }> = {
  [ResourceType.user]: { kind: 'user', nameProperty: 'name' },
  [ResourceType.nativeUser]: { kind: 'user', nameProperty: 'userName' },
  [ResourceType.group]: { kind: 'group', nameProperty: 'name' },
  [ResourceType.nativeGroup]: { kind: 'group', nameProperty: 'groupName' },
  [ResourceType.policy]: { kind: 'policy', nameProperty: 'name', arnProperty: 'arn' },
  [ResourceType.nativeManagedPolicy]: { kind: 'policy', nameProperty: 'managedPolicyName', arnProperty: 'policyArn' },
};

/** A reference held in one property (`user`, `group`, `policyArn`): by value, or by the resource it depends on. */
function propertyRef(entry: ReadResource, property: string, kind: IdentityKind): IdentityRef {
  const value = entry.props[property];
  const dependencies = (entry.resource.propertyDependencies?.[property] ?? []).filter((dependency) => ENTITY_TYPES[dependency.type]?.kind === kind);
  const keys = dependencies.map((dependency) => `${kind}:urn:${dependency.urn}`);
  if (typeof value === 'string') keys.push(...valueKeys(kind, value));
  return { keys, unknown: value instanceof UnknownValue && dependencies.length === 0 ? value : undefined };
}

function valueKeys(kind: IdentityKind, value: string): string[] {
  const pathKey = kind === 'policy' ? policyPathKey(value) : undefined;
  return pathKey ? [keyFor(kind, value), pathKey] : [keyFor(kind, value)];
}

/** References held in a list property (`users`, `groups`): element by element. */
function listPropertyRefs(entry: ReadResource, property: string, kind: IdentityKind): IdentityRef[] {
  const value = entry.props[property];
  if (value instanceof UnknownValue) return [propertyRef(entry, property, kind)];
  return asList(value).map((item) =>
    // An unknown element could be any of the property's dependencies: it stays unknown.
    typeof item === 'string' ? { keys: valueKeys(kind, item) } : { keys: [], unknown: item instanceof UnknownValue ? item : undefined },
  );
}

/** The keys a user, group or managed policy of the stack answers to; unknown when what names it is. */
function ownIdentity(entry: ReadResource): IdentityRef {
  const { kind, nameProperty, arnProperty } = ENTITY_TYPES[entry.resource.type];
  const keys = [`${kind}:urn:${entry.resource.urn}`];
  const name = entry.props[nameProperty];
  if (arnProperty === undefined) {
    if (typeof name === 'string') keys.push(keyFor(kind, name));
    return { keys, unknown: name instanceof UnknownValue ? name : undefined };
  }
  const arn = entry.props[arnProperty];
  if (typeof arn === 'string') keys.push(...valueKeys(kind, arn));
  const path = entry.props.path;
  if (typeof name === 'string' && (typeof path === 'string' || path === undefined)) keys.push(`policy:path:${path ?? '/'}${name}`);
  const nameUnknown = name instanceof UnknownValue || name === undefined;
  return { keys, unknown: arn instanceof UnknownValue && nameUnknown ? arn : undefined };
}

/**
 * Completes references with every key of the stack's user, group or policy they certainly point at,
 * so that a link made by name meets one made by dependency (preview) or by ARN.
 */
class StackIdentities {
  private readonly identities: IdentityRef[];
  private readonly kinds: IdentityKind[];

  constructor(resources: ReadResource[]) {
    const entities = resources.filter((entry) => ENTITY_TYPES[entry.resource.type] !== undefined);
    this.identities = entities.map((entry) => ownIdentity(entry));
    this.kinds = entities.map((entry) => ENTITY_TYPES[entry.resource.type].kind);
  }

  complete(ref: IdentityRef, kind: IdentityKind): IdentityRef {
    const same = this.identities.filter((identity, index) => this.kinds[index] === kind && matchRefs(ref, identity) === 'yes');
    return same.length === 0 ? ref : { keys: [...new Set([...ref.keys, ...same.flatMap((identity) => identity.keys)])], unknown: ref.unknown };
  }

  ref(entry: ReadResource, property: string, kind: IdentityKind): IdentityRef {
    return this.complete(propertyRef(entry, property, kind), kind);
  }

  listRefs(entry: ReadResource, property: string, kind: IdentityKind): IdentityRef[] {
    return listPropertyRefs(entry, property, kind).map((ref) => this.complete(ref, kind));
  }
}

function stackGraph(resources: ReadResource[], identities: StackIdentities): AccessGraph {
  const graph = new AccessGraph();
  const source = (document: KnownValue) => ({ document, render: renderPlainString });
  // aws-native users and groups carry their policies the CloudFormation way.
  const embeddedPolicies = (entry: ReadResource, principal: IdentityRef) => {
    for (const policy of asList(entry.props.policies)) {
      graph.inlinePolicies.push({ principal, source: source(asKnownObject(policy).policyDocument) });
    }
    for (const policy of identities.listRefs(entry, 'managedPolicyArns', 'policy')) graph.attachments.push({ principal, policy });
  };
  for (const entry of resources) {
    const { props } = entry;
    switch (entry.resource.type) {
      case ResourceType.policy:
        graph.managedPolicies.push({ identity: ownIdentity(entry), source: source(props.policy) });
        break;
      case ResourceType.userPolicy:
        graph.inlinePolicies.push({ principal: identities.ref(entry, 'user', 'user'), source: source(props.policy) });
        break;
      case ResourceType.groupPolicy:
        graph.inlinePolicies.push({ principal: identities.ref(entry, 'group', 'group'), source: source(props.policy) });
        break;
      case ResourceType.userPolicyAttachment:
        graph.attachments.push({ principal: identities.ref(entry, 'user', 'user'), policy: identities.ref(entry, 'policyArn', 'policy') });
        break;
      case ResourceType.groupPolicyAttachment:
        graph.attachments.push({ principal: identities.ref(entry, 'group', 'group'), policy: identities.ref(entry, 'policyArn', 'policy') });
        break;
      case ResourceType.policyAttachment: {
        const policy = identities.ref(entry, 'policyArn', 'policy');
        for (const principal of [...identities.listRefs(entry, 'users', 'user'), ...identities.listRefs(entry, 'groups', 'group')]) {
          graph.attachments.push({ principal, policy });
        }
        break;
      }
      case ResourceType.groupMembership: {
        const group = identities.ref(entry, 'group', 'group');
        for (const user of identities.listRefs(entry, 'users', 'user')) graph.memberships.push({ user, group });
        break;
      }
      case ResourceType.userGroupMembership: {
        const user = identities.ref(entry, 'user', 'user');
        for (const group of identities.listRefs(entry, 'groups', 'group')) graph.memberships.push({ user, group });
        break;
      }
      case ResourceType.nativeUser: {
        const user = identities.complete(ownIdentity(entry), 'user');
        embeddedPolicies(entry, user);
        for (const group of identities.listRefs(entry, 'groups', 'group')) graph.memberships.push({ user, group });
        break;
      }
      case ResourceType.nativeGroup:
        embeddedPolicies(entry, identities.complete(ownIdentity(entry), 'group'));
        break;
      case ResourceType.nativeUserPolicy:
        graph.inlinePolicies.push({ principal: identities.ref(entry, 'userName', 'user'), source: source(props.policyDocument) });
        break;
      case ResourceType.nativeGroupPolicy:
        graph.inlinePolicies.push({ principal: identities.ref(entry, 'groupName', 'group'), source: source(props.policyDocument) });
        break;
      case ResourceType.nativeManagedPolicy: {
        const policy = ownIdentity(entry);
        graph.managedPolicies.push({ identity: policy, source: source(props.policyDocument) });
        for (const principal of [...identities.listRefs(entry, 'users', 'user'), ...identities.listRefs(entry, 'groups', 'group')]) {
          graph.attachments.push({ principal, policy });
        }
        break;
      }
    }
  }
  return graph;
}

/** Users given a console password: a login profile, or an aws-native user with `loginProfile`. */
function consoleUsers(resources: ReadResource[], identities: StackIdentities): { entry: ReadResource; user: IdentityRef; label: string }[] {
  const users: { entry: ReadResource; user: IdentityRef; label: string }[] = [];
  for (const entry of resources) {
    if (entry.resource.type === ResourceType.userLoginProfile) {
      const name = entry.props.user;
      users.push({ entry, user: identities.ref(entry, 'user', 'user'), label: `gives IAM user ${typeof name === 'string' ? `"${name}"` : '(unnamed)'}` });
    } else if (entry.resource.type === ResourceType.nativeUser && entry.props.loginProfile !== undefined && entry.props.loginProfile !== null) {
      const name = entry.props.userName;
      users.push({ entry, user: identities.complete(ownIdentity(entry), 'user'), label: `gives its IAM user${typeof name === 'string' ? ` "${name}"` : ''}` });
    }
  }
  return users;
}

function checkStackUsers(resources: ReadResource[], reportViolation: ReportViolation, unknowns: UnknownValue[]): void {
  const identities = new StackIdentities(resources);
  const graph = stackGraph(resources, identities);
  for (const { entry, user, label } of consoleUsers(resources, identities)) {
    const coverage = graph.coverage(user);
    if (coverage === 'no') {
      reportViolation(
        `${describeResource(entry.resource)} ${label} a console password, but no MFA-enforcing deny ` +
          `(Deny with BoolIfExists aws:MultiFactorAuthPresent false) applies to that user in this stack. ${HOW_TO_FIX}`,
        entry.resource.urn,
      );
    } else if (coverage === 'maybe') {
      unknowns.push(user.unknown ?? graph.firstUnknown() ?? new UnknownValue('user'));
    }
  }
}

// ---- CloudFormation templates -------------------------------------------------------------------

function templateRef(template: CloudFormationTemplate, value: KnownValue, kind: IdentityKind): IdentityRef {
  const referenced = template.referencedResource(value);
  if (referenced) return { keys: [`${kind}:logical:${referenced.logicalId}`] };
  const rendered = template.render(value);
  if (rendered instanceof UnknownValue) return { keys: [], unknown: rendered };
  if (typeof rendered === 'string' && !rendered.includes(UNRESOLVED_PART) && !rendered.includes(ACCOUNT_ID_PART)) {
    return { keys: [keyFor(kind, rendered)] };
  }
  return { keys: [] };
}

function templateIdentity(template: CloudFormationTemplate, logicalId: string, kind: IdentityKind, nameProperty: string): IdentityRef {
  const resource = template.resource(logicalId);
  const name = resource ? template.render(resource.properties[nameProperty]) : undefined;
  const keys = [`${kind}:logical:${logicalId}`];
  if (typeof name === 'string' && !name.includes(UNRESOLVED_PART)) keys.push(keyFor(kind, name));
  return { keys };
}

function templateGraph(template: CloudFormationTemplate): AccessGraph {
  const graph = new AccessGraph();
  const source = (document: KnownValue) => ({ document, render: template.render });
  const inlinePolicies = (principal: IdentityRef, policies: KnownValue) => {
    for (const policy of asList(policies)) graph.inlinePolicies.push({ principal, source: source(asKnownObject(policy).PolicyDocument) });
  };
  const attachManaged = (principal: IdentityRef, arns: KnownValue) => {
    for (const arn of asList(arns)) graph.attachments.push({ principal, policy: templateRef(template, arn, 'policy') });
  };
  for (const resource of template.resources) {
    const properties = resource.properties;
    switch (resource.type) {
      case 'AWS::IAM::User': {
        const user = templateIdentity(template, resource.logicalId, 'user', 'UserName');
        inlinePolicies(user, properties.Policies);
        attachManaged(user, properties.ManagedPolicyArns);
        for (const group of asList(properties.Groups)) graph.memberships.push({ user, group: templateRef(template, group, 'group') });
        break;
      }
      case 'AWS::IAM::Group': {
        const group = templateIdentity(template, resource.logicalId, 'group', 'GroupName');
        inlinePolicies(group, properties.Policies);
        attachManaged(group, properties.ManagedPolicyArns);
        break;
      }
      case 'AWS::IAM::ManagedPolicy': {
        const policy: IdentityRef = { keys: [`policy:logical:${resource.logicalId}`] };
        graph.managedPolicies.push({ identity: policy, source: source(properties.PolicyDocument) });
        for (const user of asList(properties.Users)) graph.attachments.push({ principal: templateRef(template, user, 'user'), policy });
        for (const group of asList(properties.Groups)) graph.attachments.push({ principal: templateRef(template, group, 'group'), policy });
        break;
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::UserPolicy':
      case 'AWS::IAM::GroupPolicy': {
        const users = [...asList(properties.Users), ...(properties.UserName !== undefined ? [properties.UserName] : [])];
        const groups = [...asList(properties.Groups), ...(properties.GroupName !== undefined ? [properties.GroupName] : [])];
        for (const user of users) graph.inlinePolicies.push({ principal: templateRef(template, user, 'user'), source: source(properties.PolicyDocument) });
        for (const group of groups) graph.inlinePolicies.push({ principal: templateRef(template, group, 'group'), source: source(properties.PolicyDocument) });
        break;
      }
      case 'AWS::IAM::UserToGroupAddition': {
        const group = templateRef(template, properties.GroupName, 'group');
        for (const user of asList(properties.Users)) graph.memberships.push({ user: templateRef(template, user, 'user'), group });
        break;
      }
    }
  }
  return graph;
}

function checkTemplateUsers(entry: ReadResource, reportViolation: ReportViolation, unknowns: UnknownValue[]): void {
  const read = readTemplate(entry.props.templateBody, entry.props.parameters);
  if (read.kind === 'unknown') {
    unknowns.push(read.unknown);
    return;
  }
  // An unreadable template is reported by iam-no-access-keys; a template in S3 is out of reach.
  if (read.kind !== 'template') return;
  const { template } = read;
  const graph = templateGraph(template);
  for (const user of template.resourcesOfType('AWS::IAM::User')) {
    if (user.properties.LoginProfile === undefined || user.properties.LoginProfile === null) continue;
    const coverage = graph.coverage(templateIdentity(template, user.logicalId, 'user', 'UserName'));
    if (coverage === 'no') {
      reportViolation(
        `${describeResource(entry.resource)}: its CloudFormation user "${user.logicalId}" has a console password (LoginProfile), ` +
          `but no MFA-enforcing deny (Deny with BoolIfExists aws:MultiFactorAuthPresent false) applies to it in the template ` +
          `(its Policies, a ManagedPolicy in ManagedPolicyArns, or a group it belongs to). ${HOW_TO_FIX}`,
        entry.resource.urn,
      );
    } else if (coverage === 'maybe') {
      unknowns.push(graph.firstUnknown() ?? new UnknownValue('templateBody'));
    }
  }
}

export const consoleUsersRequireMfa: StackValidationPolicy = {
  name: CONSOLE_USERS_REQUIRE_MFA,
  description: 'An IAM user with a console password must be covered, in the same stack, by a policy that denies everything without MFA.',
  enforcementLevel: 'mandatory',
  severity: 'high',
  validateStack: (args, reportViolation) => {
    const resources: ReadResource[] = args.resources.map((resource) => ({ resource, props: asKnownObject(readKnown(resource.props)) }));
    // Decisions that need a value unknown during preview are skipped, all together, after every
    // decidable one has been reported.
    const unknowns: UnknownValue[] = [];
    checkStackUsers(resources, reportViolation, unknowns);
    for (const entry of resources.filter((candidate) => CLOUDFORMATION_TEMPLATE_TYPES.includes(candidate.resource.type))) {
      checkTemplateUsers(entry, reportViolation, unknowns);
    }
    if (unknowns.length > 0) unknowns[0].skipCheck();
  },
};

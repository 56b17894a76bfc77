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

const DEPENDENCY_TYPES: Record<IdentityKind, string> = {
  user: ResourceType.user,
  group: ResourceType.group,
  policy: ResourceType.policy,
};

/** A reference held in one property (`user`, `group`, `policyArn`): by value, or by the resource it depends on. */
function propertyRef(entry: ReadResource, property: string, kind: IdentityKind): IdentityRef {
  const value = entry.props[property];
  const dependencies = (entry.resource.propertyDependencies?.[property] ?? []).filter((dependency) => dependency.type === DEPENDENCY_TYPES[kind]);
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
function ownIdentity(entry: ReadResource, kind: IdentityKind): IdentityRef {
  const keys = [`${kind}:urn:${entry.resource.urn}`];
  const name = entry.props.name;
  if (kind !== 'policy') {
    if (typeof name === 'string') keys.push(keyFor(kind, name));
    return { keys, unknown: name instanceof UnknownValue ? name : undefined };
  }
  const arn = entry.props.arn;
  if (typeof arn === 'string') keys.push(...valueKeys(kind, arn));
  const path = entry.props.path;
  if (typeof name === 'string' && (typeof path === 'string' || path === undefined)) keys.push(`policy:path:${path ?? '/'}${name}`);
  const nameUnknown = name instanceof UnknownValue || name === undefined;
  return { keys, unknown: arn instanceof UnknownValue && nameUnknown ? arn : undefined };
}

const OWN_TYPES: Record<IdentityKind, string> = DEPENDENCY_TYPES;

/**
 * Completes references with every key of the stack's user, group or policy they certainly point at,
 * so that a link made by name meets one made by dependency (preview) or by ARN.
 */
class StackIdentities {
  private readonly identities: Record<IdentityKind, IdentityRef[]>;

  constructor(resources: ReadResource[]) {
    const of = (kind: IdentityKind) => resources.filter((entry) => entry.resource.type === OWN_TYPES[kind]).map((entry) => ownIdentity(entry, kind));
    this.identities = { user: of('user'), group: of('group'), policy: of('policy') };
  }

  complete(ref: IdentityRef, kind: IdentityKind): IdentityRef {
    const same = this.identities[kind].filter((identity) => matchRefs(ref, identity) === 'yes');
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
  for (const entry of resources) {
    const { props } = entry;
    switch (entry.resource.type) {
      case ResourceType.policy:
        graph.managedPolicies.push({ identity: ownIdentity(entry, 'policy'), source: source(props.policy) });
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
    }
  }
  return graph;
}

function checkStackUsers(resources: ReadResource[], reportViolation: ReportViolation, unknowns: UnknownValue[]): void {
  const identities = new StackIdentities(resources);
  const graph = stackGraph(resources, identities);
  for (const entry of resources.filter((candidate) => candidate.resource.type === ResourceType.userLoginProfile)) {
    // The login profile may name the user by value or by dependency; the user's other keys join in.
    const consoleUser = identities.ref(entry, 'user', 'user');
    const coverage = graph.coverage(consoleUser);
    if (coverage === 'no') {
      const userName = entry.props.user;
      reportViolation(
        `${describeResource(entry.resource)} gives IAM user ${typeof userName === 'string' ? `"${userName}"` : '(unnamed)'} a console password, ` +
          `but no MFA-enforcing deny (Deny with BoolIfExists aws:MultiFactorAuthPresent false) applies to that user in this stack. ${HOW_TO_FIX}`,
        entry.resource.urn,
      );
    } else if (coverage === 'maybe') {
      unknowns.push(consoleUser.unknown ?? graph.firstUnknown() ?? new UnknownValue('user'));
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

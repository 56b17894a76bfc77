// Who is covered by an MFA-enforcing deny: users, groups and managed policies linked by inline
// policies, attachments and group memberships, from Pulumi resources or from a CloudFormation
// template alike. Identities are sets of keys (`user:name:alice`, `user:urn:...`) because a link
// may name its end by value (a user name) or only by the resource it depends on (preview, when the
// value is not known yet).
import { KnownValue, Tri, UnknownValue, allOf, anyOf, firstUnknown } from './known-value';
import { StringRenderer, documentEnforcesMfa } from './policy-document';

export interface IdentityRef {
  keys: string[];
  /** Set when the reference may point at anything because a value is not known yet. */
  unknown?: UnknownValue;
}

export interface PolicySource {
  document: KnownValue;
  render: StringRenderer;
}

export function matchRefs(left: IdentityRef, right: IdentityRef): Tri {
  if (left.keys.some((key) => right.keys.includes(key))) return 'yes';
  return left.unknown || right.unknown ? 'maybe' : 'no';
}

export class AccessGraph {
  readonly inlinePolicies: { principal: IdentityRef; source: PolicySource }[] = [];
  readonly managedPolicies: { identity: IdentityRef; source: PolicySource }[] = [];
  readonly attachments: { principal: IdentityRef; policy: IdentityRef }[] = [];
  readonly memberships: { user: IdentityRef; group: IdentityRef }[] = [];

  // Each document is read once however many links lead to it.
  private readonly enforcement = new Map<PolicySource, Tri>();

  private enforces(source: PolicySource): Tri {
    let answer = this.enforcement.get(source);
    if (answer === undefined) {
      answer = documentEnforcesMfa(source.document, source.render);
      this.enforcement.set(source, answer);
    }
    return answer;
  }

  /** Whether an MFA-enforcing deny applies to the principal directly (inline or attached policies). */
  private directlyCovered(principal: IdentityRef): Tri {
    const inline = this.inlinePolicies.map((entry) => allOf([matchRefs(entry.principal, principal), this.enforces(entry.source)]));
    const attached = this.attachments.map((attachment) =>
      allOf([
        matchRefs(attachment.principal, principal),
        anyOf(this.managedPolicies.map((policy) => allOf([matchRefs(attachment.policy, policy.identity), this.enforces(policy.source)]))),
      ]),
    );
    return anyOf([...inline, ...attached]);
  }

  /** Whether the user is covered directly or through a group it belongs to. */
  coverage(user: IdentityRef): Tri {
    const throughGroups = this.memberships.map((membership) =>
      allOf([matchRefs(membership.user, user), this.directlyCovered(membership.group)]),
    );
    return anyOf([this.directlyCovered(user), ...throughGroups]);
  }

  /** A value whose being unknown left some answer at `maybe`, to name in the "skipped" note. */
  firstUnknown(): UnknownValue | undefined {
    const refs = [
      ...this.inlinePolicies.map((entry) => entry.principal),
      ...this.managedPolicies.map((entry) => entry.identity),
      ...this.attachments.flatMap((entry) => [entry.principal, entry.policy]),
      ...this.memberships.flatMap((entry) => [entry.user, entry.group]),
    ];
    const documents = [...this.inlinePolicies, ...this.managedPolicies].map((entry) => entry.source.document);
    return refs.find((ref) => ref.unknown)?.unknown ?? firstUnknown(...documents);
  }
}

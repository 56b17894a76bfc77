import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { CENTRALIZED_ROOT_FEATURES } from '../auditor/values/guardrails';
import { componentType } from './component-type';
import { guardrailPolicies, renderScp, type AccessKeyCarveOut, type GuardrailPolicy, type GuardrailSettings } from './guardrails';

/** IAM's service principal, which centralized root access needs trusted access for. */
export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';

export interface OrganizationGuardrailsArgs extends GuardrailSettings {
  /** The access-key SCP's carve-outs, from the exemptions file. */
  carveOuts: readonly AccessKeyCarveOut[];
  /** Where the carve-outs come from, for the size error. */
  exemptionsSource: string;
  /** The root, OUs or accounts every SCP is attached to. */
  targetIds: pulumi.Input<string>[];
  /** Stable names for the attachments, one per target (the configured ids, or `root`). */
  targetNames: string[];
  centralizeRootAccess: boolean;
  partition: pulumi.Input<string>;
}

/**
 * The organization's guardrails: one SCP per enabled guardrail, attached to every target, and
 * IAM's centralized root access. Everything here is made in the management account (SCPs also from
 * a delegated administrator for Organizations policies).
 */
export class OrganizationGuardrails extends pulumi.ComponentResource {
  readonly policies: aws.organizations.Policy[];
  readonly attachments: aws.organizations.PolicyAttachment[];
  readonly rootAccess: aws.iam.OrganizationsFeatures | undefined;

  constructor(name: string, args: OrganizationGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Built before anything is registered, for the size check (a refused document creates nothing),
    // and again below for the real partition, whose ARNs may be longer.
    const kinds = guardrailPolicies(args, args.carveOuts, 'aws', args.exemptionsSource);
    if (args.targetIds.length !== args.targetNames.length) throw new Error('one name per guardrail target');
    super(componentType('guardrails', 'OrganizationGuardrails'), name, {}, opts);
    const parent = { parent: this };
    this.policies = [];
    this.attachments = [];
    for (const planned of kinds) {
      const content = pulumi.output(args.partition).apply((partition) =>
        renderScp(policyOfKind(guardrailPolicies(args, args.carveOuts, partition, args.exemptionsSource), planned).document));
      const policy = new aws.organizations.Policy(`${name}-${planned.kind}`, {
        name: planned.name,
        description: planned.description,
        type: 'SERVICE_CONTROL_POLICY',
        content,
        tags: { 'iam-audit-kit': 'guardrail' },
      }, parent);
      this.policies.push(policy);
      args.targetIds.forEach((targetId, index) => {
        this.attachments.push(new aws.organizations.PolicyAttachment(`${name}-${planned.kind}-${args.targetNames[index]}`, {
          policyId: policy.id,
          targetId,
        }, parent));
      });
    }
    if (args.centralizeRootAccess) {
      // EnableOrganizationsRootCredentialsManagement and ...RootSessions need IAM's trusted access first.
      const trustedAccess = new aws.organizations.AwsServiceAccess(`${name}-iam-trusted-access`, {
        servicePrincipal: IAM_SERVICE_PRINCIPAL,
      }, parent);
      this.rootAccess = new aws.iam.OrganizationsFeatures(`${name}-centralized-root-access`, {
        enabledFeatures: [...CENTRALIZED_ROOT_FEATURES],
      }, { parent: this, dependsOn: [trustedAccess] });
    }
    this.registerOutputs({ policyIds: this.policies.map((policy) => policy.id) });
  }
}

function policyOfKind(policies: GuardrailPolicy[], planned: GuardrailPolicy): GuardrailPolicy {
  const found = policies.find((policy) => policy.kind === planned.kind);
  if (found === undefined) throw new Error(`no ${planned.kind} guardrail`);
  return found;
}

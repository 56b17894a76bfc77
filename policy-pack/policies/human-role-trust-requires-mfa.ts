import { ResourceValidationPolicy } from '@pulumi/policy';
import { readTemplate } from '../cloudformation-template';
import { KnownValue, UnknownValue, asKnownObject, asList, firstUnknown, readKnown } from '../known-value';
import { ListExpander, StringRenderer, renderPlainString, trustPolicyLetsHumansInWithoutMfa } from '../policy-document';
import { CLOUDFORMATION_TEMPLATE_TYPES, ResourceType, describeResource } from '../resource-types';

export const HUMAN_ROLE_TRUST_REQUIRES_MFA = 'iam-human-role-trust-requires-mfa';

const HOW_TO_FIX =
  'Add `"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}` (or `"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}`) ' +
  'to the trust statement, or trust a specific role, an AWS service or an identity provider instead of accounts or users.';

interface TrustedRole {
  label: string;
  trustPolicy: KnownValue;
  render: StringRenderer;
  expand: ListExpander;
  /** Other values the answer may depend on (a template's parameter values). */
  inputs: KnownValue;
}

export const humanRoleTrustRequiresMfa: ResourceValidationPolicy = {
  name: HUMAN_ROLE_TRUST_REQUIRES_MFA,
  description: 'A role that accounts or IAM users (people) may assume must require MFA in its trust policy.',
  enforcementLevel: 'advisory',
  severity: 'medium',
  validateResource: (args, reportViolation) => {
    const roles: TrustedRole[] = [];
    if (args.type === ResourceType.role || args.type === ResourceType.nativeRole) {
      const props = asKnownObject(readKnown(args.props));
      const trustPolicy = args.type === ResourceType.role ? props.assumeRolePolicy : props.assumeRolePolicyDocument;
      roles.push({ label: 'its trust policy', trustPolicy, render: renderPlainString, expand: asList, inputs: undefined });
    } else if (CLOUDFORMATION_TEMPLATE_TYPES.includes(args.type)) {
      const props = asKnownObject(readKnown(args.props));
      const read = readTemplate(props.templateBody, props.parameters);
      // An unreadable template is reported by iam-no-access-keys; a template in S3 is out of reach.
      if (read.kind === 'unknown') return read.unknown.skipCheck();
      if (read.kind !== 'template') return;
      for (const role of read.template.resourcesOfType('AWS::IAM::Role')) {
        roles.push({
          label: `the trust policy of its CloudFormation role "${role.logicalId}"`,
          trustPolicy: role.properties.AssumeRolePolicyDocument,
          render: read.template.render,
          expand: read.template.expandList,
          inputs: props.parameters,
        });
      }
    } else {
      return;
    }
    let unknown: UnknownValue | undefined;
    for (const role of roles) {
      const finding = trustPolicyLetsHumansInWithoutMfa(role.trustPolicy, role.render, role.expand);
      if (finding.answer === 'yes') {
        reportViolation(
          `${describeResource(args)}: ${role.label} lets ${finding.principals.join(', ')} assume the role without MFA. ${HOW_TO_FIX}`,
        );
      } else if (finding.answer === 'maybe') {
        unknown ??= firstUnknown(role.trustPolicy, role.inputs) ?? new UnknownValue('assumeRolePolicy');
      }
    }
    if (unknown) unknown.skipCheck();
  },
};

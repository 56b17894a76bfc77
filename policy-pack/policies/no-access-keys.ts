import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from '@pulumi/policy';
import { readTemplate } from '../cloudformation-template';
import { KnownObject, KnownValue, UnknownValue, asKnownObject, readKnown } from '../known-value';
import { UNRESOLVED_PART, ACCOUNT_ID_PART } from '../policy-document';
import { CLOUDFORMATION_TEMPLATE_TYPES, ResourceType, describeResource } from '../resource-types';

export const NO_ACCESS_KEYS = 'iam-no-access-keys';

export interface NoAccessKeysConfig {
  /** IAM user names allowed to have an access key (break-glass users); empty by default. */
  exemptUserNames: string[];
}

const HOW_TO_FIX =
  'Long-lived access keys never expire and leak through laptops, CI logs and repositories. Give workloads an IAM role ' +
  '(instance profile, ECS task role, IRSA, OIDC federation for CI) and people IAM Identity Center or a role assumed with MFA. ' +
  `If this is a break-glass user, add the user name to the policy's "exemptUserNames" config.`;

/** The exemption list, checked: the engine validates config against the schema, direct callers may not. */
export function readNoAccessKeysConfig(args: Pick<ResourceValidationArgs, 'getConfig'>): NoAccessKeysConfig {
  const config = args.getConfig<Partial<Record<keyof NoAccessKeysConfig, unknown>>>();
  const exemptUserNames = config.exemptUserNames ?? [];
  if (!Array.isArray(exemptUserNames) || !exemptUserNames.every((name): name is string => typeof name === 'string')) {
    throw new Error(`${NO_ACCESS_KEYS}: config "exemptUserNames" must be a list of IAM user names, got ${JSON.stringify(exemptUserNames)}`);
  }
  return { exemptUserNames };
}

type ExemptionAnswer = { exempt: true } | { exempt: false; userLabel: string } | { unknown: UnknownValue };

function exemption(userName: KnownValue, exemptUserNames: string[]): ExemptionAnswer {
  const label = typeof userName === 'string' ? `"${userName}"` : 'an unnamed user';
  if (exemptUserNames.length === 0) return { exempt: false, userLabel: label };
  if (userName instanceof UnknownValue) return { unknown: userName };
  if (typeof userName === 'string' && exemptUserNames.includes(userName)) return { exempt: true };
  return { exempt: false, userLabel: label };
}

function checkTemplate(args: ResourceValidationArgs, props: KnownObject, exemptUserNames: string[], reportViolation: ReportViolation): void {
  const read = readTemplate(props.templateBody, props.parameters);
  if (read.kind === 'absent') return; // `templateUrl`: the template lives in S3, out of reach of a preview.
  if (read.kind === 'unknown') return read.unknown.skipCheck();
  if (read.kind === 'unreadable') {
    // Fail closed: a template that cannot be read cannot be shown to be free of access keys.
    reportViolation(
      `${describeResource(args)}: its templateBody cannot be read (${read.reason}), so it cannot be checked for AWS::IAM::AccessKey. ` +
        'Fix the template so that it is valid CloudFormation JSON or YAML.',
    );
    return;
  }
  const { template } = read;
  let unknown: UnknownValue | undefined;
  for (const key of template.resourcesOfType('AWS::IAM::AccessKey')) {
    const rendered = template.render(key.properties.UserName);
    // Only a literal name (directly, from a parameter value, or from a template user with a fixed
    // UserName) can match an exemption; a name CloudFormation generates cannot be exempted.
    const userName =
      typeof rendered === 'string' && (rendered.includes(UNRESOLVED_PART) || rendered.includes(ACCOUNT_ID_PART)) ? undefined : rendered;
    const answer = exemption(userName, exemptUserNames);
    if ('unknown' in answer) {
      unknown ??= answer.unknown;
      continue;
    }
    if (answer.exempt) continue;
    const exemptHint =
      userName === undefined && exemptUserNames.length > 0
        ? ' Exemptions match literal user names only: give the user a fixed UserName (or pass it as a stack parameter) to exempt it.'
        : '';
    reportViolation(
      `${describeResource(args)} declares AWS::IAM::AccessKey "${key.logicalId}" for ${answer.userLabel} in its CloudFormation template. ` +
        `Remove the AccessKey from the template. ${HOW_TO_FIX}${exemptHint}`,
    );
  }
  if (unknown) unknown.skipCheck();
}

export const noAccessKeys: ResourceValidationPolicy = {
  name: NO_ACCESS_KEYS,
  description: 'No long-lived IAM access keys: aws.iam.AccessKey, aws-native AccessKey or AWS::IAM::AccessKey in a CloudFormation template.',
  enforcementLevel: 'mandatory',
  severity: 'high',
  configSchema: {
    properties: {
      exemptUserNames: {
        type: 'array',
        items: { type: 'string' },
        default: [],
        description: 'IAM user names allowed to have an access key (break-glass users).',
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const isKeyResource = args.type === ResourceType.accessKey || args.type === ResourceType.nativeAccessKey;
    if (!isKeyResource && !CLOUDFORMATION_TEMPLATE_TYPES.includes(args.type)) return;
    const { exemptUserNames } = readNoAccessKeysConfig(args);
    const props = asKnownObject(readKnown(args.props));
    if (!isKeyResource) return checkTemplate(args, props, exemptUserNames, reportViolation);
    const answer = exemption(props[args.type === ResourceType.accessKey ? 'user' : 'userName'], exemptUserNames);
    if ('unknown' in answer) return answer.unknown.skipCheck();
    if (answer.exempt) return;
    reportViolation(`${describeResource(args)} creates a long-lived access key for IAM user ${answer.userLabel}. Remove it. ${HOW_TO_FIX}`);
  },
};

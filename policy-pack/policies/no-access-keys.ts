import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from '@pulumi/policy';
import { readTemplate } from '../cloudformation-template';
import { expiredNote, readPolicyExemptions, type PolicyExemptions, type RuleId } from '../exemptions';
import { KnownObject, KnownValue, UnknownValue, asKnownObject, readKnown } from '../known-value';
import { UNRESOLVED_PART, ACCOUNT_ID_PART } from '../policy-document';
import { CLOUDFORMATION_TEMPLATE_TYPES, ResourceType, describeResource } from '../resource-types';

export const NO_ACCESS_KEYS = 'iam-no-access-keys';

/**
 * The audit's rules about a user's access keys: an entry of the exemptions file for one of them
 * (or for every rule) lets the user have a key here too.
 */
export const ACCESS_KEY_RULES: readonly RuleId[] = ['access-key-very-old', 'access-key-not-rotated', 'access-key-never-used', 'credentials-unused', 'user-with-two-active-keys'];

export interface NoAccessKeysConfig {
  /** IAM user names allowed to have an access key (break-glass users); empty by default. */
  exemptUserNames: string[];
  /** Entries of the audit's exemptions file (`exemptions` inline, `exemptionsFile`), for `accountId` or every account. */
  exemptions: PolicyExemptions;
}

const HOW_TO_FIX =
  'Long-lived access keys never expire and leak through laptops, CI logs and repositories. Give workloads an IAM role ' +
  '(instance profile, ECS task role, IRSA, OIDC federation for CI) and people IAM Identity Center or a role assumed with MFA. ' +
  'If this is a break-glass user, give it an entry in the exemptions file (the policy\'s "exemptionsFile" or "exemptions" config) ' +
  'or add the user name to its "exemptUserNames" config.';

/** The exemption list, checked: the engine validates config against the schema, direct callers may not. */
export function readNoAccessKeysConfig(args: Pick<ResourceValidationArgs, 'getConfig'>): NoAccessKeysConfig {
  const config = args.getConfig<Partial<Record<keyof NoAccessKeysConfig, unknown>>>();
  const exemptUserNames = config.exemptUserNames ?? [];
  if (!Array.isArray(exemptUserNames) || !exemptUserNames.every((name): name is string => typeof name === 'string')) {
    throw new Error(`${NO_ACCESS_KEYS}: config "exemptUserNames" must be a list of IAM user names, got ${JSON.stringify(exemptUserNames)}`);
  }
  return { exemptUserNames, exemptions: readPolicyExemptions(config as Record<string, unknown>, NO_ACCESS_KEYS, ACCESS_KEY_RULES) };
}

type ExemptionAnswer = { exempt: true } | { exempt: false; userLabel: string; note: string } | { unknown: UnknownValue };

function exemption(userName: KnownValue, config: NoAccessKeysConfig): ExemptionAnswer {
  const label = typeof userName === 'string' ? `"${userName}"` : 'an unnamed user';
  if (config.exemptUserNames.length === 0 && !config.exemptions.any) return { exempt: false, userLabel: label, note: '' };
  if (userName instanceof UnknownValue) return { unknown: userName };
  if (typeof userName !== 'string') return { exempt: false, userLabel: label, note: '' };
  if (config.exemptUserNames.includes(userName)) return { exempt: true };
  const fromFile = config.exemptions.check(userName);
  if (fromFile.exempt) return { exempt: true };
  return { exempt: false, userLabel: label, note: fromFile.expired === undefined ? '' : expiredNote(fromFile.expired) };
}

function checkTemplate(args: ResourceValidationArgs, props: KnownObject, config: NoAccessKeysConfig, reportViolation: ReportViolation): void {
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
    const answer = exemption(userName, config);
    if ('unknown' in answer) {
      unknown ??= answer.unknown;
      continue;
    }
    if (answer.exempt) continue;
    const exemptHint =
      userName === undefined && (config.exemptUserNames.length > 0 || config.exemptions.any)
        ? ' Exemptions match literal user names only: give the user a fixed UserName (or pass it as a stack parameter) to exempt it.'
        : '';
    reportViolation(
      `${describeResource(args)} declares AWS::IAM::AccessKey "${key.logicalId}" for ${answer.userLabel} in its CloudFormation template. ` +
        `Remove the AccessKey from the template. ${HOW_TO_FIX}${exemptHint}${answer.note}`,
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
      exemptions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            account: { type: 'string' },
            user: { type: 'string' },
            rule: { type: 'string' },
            reason: { type: 'string' },
            expires: { type: 'string' },
          },
          required: ['account', 'user', 'rule', 'reason', 'expires'],
          additionalProperties: false,
        },
        description: 'Entries of the audit\'s exemptions file (account, user, rule, reason, expires): a user an entry in force matches may have a key.',
      },
      exemptionsFile: {
        type: 'string',
        description: 'The audit\'s exemptions YAML file: an absolute path, or one relative to the policy pack\'s directory.',
      },
      accountId: {
        type: 'string',
        pattern: '^\\d{12}$',
        description: 'The AWS account the stacks deploy into: exemptions for that account apply besides those for every account ("*").',
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const isKeyResource = args.type === ResourceType.accessKey || args.type === ResourceType.nativeAccessKey;
    if (!isKeyResource && !CLOUDFORMATION_TEMPLATE_TYPES.includes(args.type)) return;
    const config = readNoAccessKeysConfig(args);
    const props = asKnownObject(readKnown(args.props));
    if (!isKeyResource) return checkTemplate(args, props, config, reportViolation);
    // Whatever its status: a key created Inactive can be switched on with one call, outside any review.
    const answer = exemption(props[args.type === ResourceType.accessKey ? 'user' : 'userName'], config);
    if ('unknown' in answer) return answer.unknown.skipCheck();
    if (answer.exempt) return;
    reportViolation(`${describeResource(args)} creates a long-lived access key for IAM user ${answer.userLabel}. Remove it. ${HOW_TO_FIX}${answer.note}`);
  },
};

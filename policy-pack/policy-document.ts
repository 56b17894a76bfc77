// Reads IAM policy documents (identity policies and role trust policies) the way IAM does, as far as
// these guardrails need: documents come as JSON strings or objects, `Statement`, `Action`,
// `Principal` and condition values may each be a single value or a list, and any part may be
// unknown during preview, so every question is answered `yes`, `no` or `maybe`.
import { KnownObject, KnownValue, Tri, UnknownValue, allOf, anyOf, asList, isKnownObject, not, readKnown } from './known-value';

/**
 * Stands for a part of a string that cannot be resolved statically (a CloudFormation parameter
 * without a value, a pseudo parameter like `AWS::AccountId`).
 */
export const UNRESOLVED_PART = '\u0000';
/** Stands for the deploying account's id (`AWS::AccountId`), an account principal when alone. */
export const ACCOUNT_ID_PART = '\u0001';

/**
 * Turns a document value into a string: plain strings as they are, CloudFormation intrinsic
 * functions rendered with `UNRESOLVED_PART` where needed. `undefined` when the value is not a string.
 */
export type StringRenderer = (value: KnownValue) => string | UnknownValue | undefined;

/**
 * Turns a document value that stands for a list into its items: a plain value or array as it is,
 * a CloudFormation `!Ref` to a list parameter (`CommaDelimitedList`) into the parameter's items.
 */
export type ListExpander = (value: KnownValue) => KnownValue[];

export const renderPlainString: StringRenderer = (value) =>
  typeof value === 'string' || value instanceof UnknownValue ? value : undefined;

/** Shows a rendered string to a person: unresolved parts as `${...}`. */
export function displayString(rendered: string): string {
  return rendered.split(UNRESOLVED_PART).join('${...}').split(ACCOUNT_ID_PART).join('${AWS::AccountId}');
}

/** The document as an object; `undefined` when it is missing or not a policy document at all (IAM would reject it). */
export function readPolicyDocument(value: KnownValue): KnownObject | UnknownValue | undefined {
  if (value instanceof UnknownValue) return value;
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
    const known = readKnown(parsed);
    return isKnownObject(known) ? known : undefined;
  }
  return isKnownObject(value) ? value : undefined;
}

export function statementsOf(document: KnownObject | UnknownValue): KnownValue[] {
  if (document instanceof UnknownValue) return [document];
  return asList(document.Statement);
}

function textAnswer(value: KnownValue, render: StringRenderer, test: (text: string) => boolean): Tri {
  const rendered = render(value);
  if (rendered instanceof UnknownValue) return 'maybe';
  if (rendered === undefined) return 'no';
  return test(rendered) ? 'yes' : 'no';
}

function effectIs(statement: KnownObject, effect: 'Allow' | 'Deny', render: StringRenderer): Tri {
  return textAnswer(statement.Effect, render, (text) => text === effect);
}

function wildcardPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Whether the statement's `Action` (or `NotAction`) takes in `action`. */
function coversAction(statement: KnownObject, action: string, render: StringRenderer): Tri {
  const matches = (value: KnownValue): Tri => textAnswer(value, render, (text) => wildcardPattern(text).test(action));
  if (statement.NotAction !== undefined) {
    if (statement.NotAction instanceof UnknownValue) return 'maybe';
    return not(anyOf(asList(statement.NotAction).map(matches)));
  }
  if (statement.Action instanceof UnknownValue) return 'maybe';
  return anyOf(asList(statement.Action).map(matches));
}

const isEveryAction = (text: string): boolean => text === '*' || text === '*:*';

/** Whether the statement applies to every action (`*`) or to everything but a list (`NotAction`). */
function coversAllActions(statement: KnownObject, render: StringRenderer): Tri {
  if (statement.NotAction !== undefined) {
    // `NotAction: "*"` leaves nothing to deny.
    if (statement.NotAction instanceof UnknownValue) return 'maybe';
    return not(anyOf(asList(statement.NotAction).map((value) => textAnswer(value, render, isEveryAction))));
  }
  if (statement.Action instanceof UnknownValue) return 'maybe';
  return anyOf(asList(statement.Action).map((value) => textAnswer(value, render, isEveryAction)));
}

function coversAllResources(statement: KnownObject, render: StringRenderer): Tri {
  if (statement.NotResource !== undefined) return 'yes';
  if (statement.Resource instanceof UnknownValue) return 'maybe';
  return anyOf(asList(statement.Resource).map((value) => textAnswer(value, render, (text) => text === '*')));
}

const MFA_PRESENT_KEY = /^aws:multifactorauthpresent$/i;
const MFA_AGE_KEY = /^aws:multifactorauthage$/i;

/** Whether every value of a condition is the boolean `expected` (IAM accepts `true`, `"true"`, `["true"]`). */
function conditionValuesAre(value: KnownValue, expected: boolean, render: StringRenderer): Tri {
  const values = asList(value);
  if (value instanceof UnknownValue) return 'maybe';
  if (values.length === 0) return 'no';
  return allOf(
    values.map((item) =>
      typeof item === 'boolean' ? (item === expected ? 'yes' : 'no') : textAnswer(item, render, (text) => text.toLowerCase() === String(expected)),
    ),
  );
}

/**
 * A deny that enforces MFA: `Deny` every action (or everything but a list, the usual "let users set
 * up their MFA device" shape) on every resource when `BoolIfExists aws:MultiFactorAuthPresent` is
 * false, and on no further condition (another condition would narrow the deny).
 */
export function statementEnforcesMfa(statement: KnownValue, render: StringRenderer): Tri {
  if (statement instanceof UnknownValue) return 'maybe';
  if (!isKnownObject(statement)) return 'no';
  const condition = statement.Condition;
  let conditionAnswer: Tri;
  if (condition instanceof UnknownValue) {
    conditionAnswer = 'maybe';
  } else if (!isKnownObject(condition)) {
    conditionAnswer = 'no';
  } else {
    const operators = Object.keys(condition);
    const block = condition.BoolIfExists;
    if (operators.length !== 1 || block === undefined) {
      conditionAnswer = 'no';
    } else if (block instanceof UnknownValue) {
      conditionAnswer = 'maybe';
    } else if (!isKnownObject(block) || Object.keys(block).length !== 1) {
      conditionAnswer = 'no';
    } else {
      const [key] = Object.keys(block);
      conditionAnswer = MFA_PRESENT_KEY.test(key) ? conditionValuesAre(block[key], false, render) : 'no';
    }
  }
  return allOf([
    effectIs(statement, 'Deny', render),
    coversAllActions(statement, render),
    coversAllResources(statement, render),
    conditionAnswer,
  ]);
}

export function documentEnforcesMfa(document: KnownValue, render: StringRenderer = renderPlainString): Tri {
  const parsed = readPolicyDocument(document);
  if (parsed === undefined) return 'no';
  return anyOf(statementsOf(parsed).map((statement) => statementEnforcesMfa(statement, render)));
}

const PARTITION = '[^:]*';
const ACCOUNT = '[^:]*';
const ACCOUNT_ROOT_ARN = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:root$`);
const USER_ARN = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:user/`);
const ACCOUNT_ID = /^(\d{12}|\u0001)$/;

/**
 * Principals through which a person can assume the role: everyone (`*`), a whole account (its
 * root ARN or bare id: any user of that account the account lets in) or an IAM user. Roles,
 * role sessions, services, identity providers and canonical users are not people signing in.
 */
function isHumanAwsPrincipal(text: string): boolean {
  // A principal that is entirely unresolved (a parameter without a value) is not reported: only
  // what is known is.
  return text === '*' || ACCOUNT_ID.test(text) || ACCOUNT_ROOT_ARN.test(text) || USER_ARN.test(text);
}

export interface TrustFinding {
  answer: Tri;
  /** The human principals the statement trusts, for the message. */
  principals: string[];
}

function humanPrincipals(statement: KnownObject, render: StringRenderer, expand: ListExpander): TrustFinding {
  if (statement.NotPrincipal !== undefined) {
    // "Everyone except": people are in.
    return { answer: 'yes', principals: ['everyone but NotPrincipal'] };
  }
  const principal = statement.Principal;
  if (principal instanceof UnknownValue) return { answer: 'maybe', principals: [] };
  const asText = render(principal);
  if (asText === '*') return { answer: 'yes', principals: ['*'] };
  if (!isKnownObject(principal)) return { answer: 'no', principals: [] };
  const aws = principal.AWS;
  if (aws instanceof UnknownValue) return { answer: 'maybe', principals: [] };
  const principals: string[] = [];
  const answers = expand(aws).map((value): Tri => {
    const rendered = render(value);
    if (rendered instanceof UnknownValue) return 'maybe';
    if (rendered === undefined || !isHumanAwsPrincipal(rendered)) return 'no';
    principals.push(displayString(rendered));
    return 'yes';
  });
  return { answer: anyOf(answers), principals };
}

/**
 * Whether the statement requires MFA: `Bool`/`BoolIfExists` `aws:MultiFactorAuthPresent` true, or an
 * upper bound on `aws:MultiFactorAuthAge` (which only exists when MFA was used).
 */
function requiresMfa(statement: KnownObject, render: StringRenderer): Tri {
  const condition = statement.Condition;
  if (condition instanceof UnknownValue) return 'maybe';
  if (!isKnownObject(condition)) return 'no';
  const answers: Tri[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (block instanceof UnknownValue) {
      answers.push('maybe');
      continue;
    }
    if (!isKnownObject(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if ((operator === 'Bool' || operator === 'BoolIfExists') && MFA_PRESENT_KEY.test(key)) {
        answers.push(conditionValuesAre(value, true, render));
      } else if ((operator === 'NumericLessThan' || operator === 'NumericLessThanEquals') && MFA_AGE_KEY.test(key)) {
        answers.push(value instanceof UnknownValue ? 'maybe' : 'yes');
      }
    }
  }
  return anyOf(answers);
}

const ROLE_ARN = new RegExp(`^arn:${PARTITION}:(iam::${ACCOUNT}:role/|sts::${ACCOUNT}:assumed-role/)`);
const PRINCIPAL_ARN_KEY = /^aws:principalarn$/i;
const ARN_MATCH_OPERATORS = new Set(['ArnEquals', 'ArnLike', 'StringEquals', 'StringLike']);

/**
 * Whether a condition narrows the statement to roles (`aws:PrincipalArn` only role ARNs): an account
 * principal trusted "for its role X only" lets no person in directly.
 */
function restrictedToRoles(statement: KnownObject, render: StringRenderer): Tri {
  const condition = statement.Condition;
  if (condition instanceof UnknownValue) return 'maybe';
  if (!isKnownObject(condition)) return 'no';
  const answers: Tri[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!ARN_MATCH_OPERATORS.has(operator)) continue;
    if (block instanceof UnknownValue) {
      answers.push('maybe');
      continue;
    }
    if (!isKnownObject(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (!PRINCIPAL_ARN_KEY.test(key)) continue;
      if (value instanceof UnknownValue) {
        answers.push('maybe');
        continue;
      }
      const values = asList(value);
      answers.push(values.length === 0 ? 'no' : allOf(values.map((item) => textAnswer(item, render, (text) => ROLE_ARN.test(text)))));
    }
  }
  return anyOf(answers);
}

/** Whether the trust statement lets people (accounts, users, everyone) assume the role without MFA. */
export function statementTrustsHumansWithoutMfa(statement: KnownValue, render: StringRenderer, expand: ListExpander = asList): TrustFinding {
  if (statement instanceof UnknownValue) return { answer: 'maybe', principals: [] };
  if (!isKnownObject(statement)) return { answer: 'no', principals: [] };
  const humans = humanPrincipals(statement, render, expand);
  return {
    answer: allOf([
      effectIs(statement, 'Allow', render),
      coversAction(statement, 'sts:AssumeRole', render),
      humans.answer,
      not(restrictedToRoles(statement, render)),
      not(requiresMfa(statement, render)),
    ]),
    principals: humans.principals,
  };
}

/** The trust policy's answer over all statements, with the people it lets in without MFA. */
export function trustPolicyLetsHumansInWithoutMfa(
  document: KnownValue,
  render: StringRenderer = renderPlainString,
  expand: ListExpander = asList,
): TrustFinding {
  const parsed = readPolicyDocument(document);
  if (parsed === undefined) return { answer: 'no', principals: [] };
  const findings = statementsOf(parsed).map((statement) => statementTrustsHumansWithoutMfa(statement, render, expand));
  return {
    answer: anyOf(findings.map((finding) => finding.answer)),
    principals: [...new Set(findings.filter((finding) => finding.answer === 'yes').flatMap((finding) => finding.principals))],
  };
}

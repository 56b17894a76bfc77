// CloudFormation templates carried by `aws.cloudformation.Stack` / `StackSet` (`templateBody`):
// parsed from JSON or YAML (with the short intrinsic-function tags such as `!Ref`, `!GetAtt`,
// `!Sub`), with the template's resources and a renderer that resolves intrinsic functions as far as
// the template and the stack's parameter values allow.
import { ScalarTag, CollectionTag, parse as parseYaml } from 'yaml';
import { KnownObject, KnownValue, UnknownValue, asList, isKnownObject, readKnown } from './known-value';
import { ACCOUNT_ID_PART, ListExpander, StringRenderer, UNRESOLVED_PART } from './policy-document';

/** Short tag → the long form's key; `!Ref` and `!Condition` are the two that are not `Fn::`. */
const SHORT_TAG_FUNCTIONS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Transform: 'Fn::Transform',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
  ForEach: 'Fn::ForEach',
};

/** `!GetAtt Resource.Attribute` is the scalar form of `[Resource, Attribute]`. */
function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

function scalarTag(shortName: string, functionKey: string): ScalarTag {
  return {
    tag: `!${shortName}`,
    resolve: (value: string) => ({ [functionKey]: shortName === 'GetAtt' ? splitGetAtt(value) : value }),
  };
}

function collectionTag(shortName: string, functionKey: string, collection: 'map' | 'seq'): CollectionTag {
  return { tag: `!${shortName}`, collection, resolve: (node) => ({ [functionKey]: node.toJSON() }) };
}

const CLOUDFORMATION_TAGS = Object.entries(SHORT_TAG_FUNCTIONS).flatMap(([shortName, functionKey]) => [
  scalarTag(shortName, functionKey),
  collectionTag(shortName, functionKey, 'seq'),
  collectionTag(shortName, functionKey, 'map'),
]);

export interface TemplateResource {
  logicalId: string;
  type: string;
  properties: KnownObject;
}

export class CloudFormationTemplate {
  readonly resources: TemplateResource[];
  private readonly resourcesById: Map<string, TemplateResource>;
  private readonly parameters: KnownObject;

  /**
   * @param body the parsed template
   * @param parameterValues the parameter values the Pulumi resource passes (`parameters`), which
   *   win over the template's defaults
   */
  constructor(
    body: KnownObject,
    private readonly parameterValues: KnownValue,
  ) {
    const resources = isKnownObject(body.Resources) ? body.Resources : {};
    this.resources = Object.entries(resources).flatMap(([logicalId, resource]) =>
      isKnownObject(resource) && typeof resource.Type === 'string'
        ? [{ logicalId, type: resource.Type, properties: isKnownObject(resource.Properties) ? resource.Properties : {} }]
        : [],
    );
    this.resourcesById = new Map(this.resources.map((resource) => [resource.logicalId, resource]));
    this.parameters = isKnownObject(body.Parameters) ? body.Parameters : {};
  }

  resourcesOfType(type: string): TemplateResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  resource(logicalId: string): TemplateResource | undefined {
    return this.resourcesById.get(logicalId);
  }

  /** The logical id a `{ Ref: X }` to one of the template's resources points at. */
  referencedResource(value: KnownValue): TemplateResource | undefined {
    if (isKnownObject(value) && typeof value.Ref === 'string') return this.resourcesById.get(value.Ref);
    return undefined;
  }

  private parameterValue(name: string): string | UnknownValue | undefined {
    if (isKnownObject(this.parameterValues)) {
      const given = this.parameterValues[name];
      if (typeof given === 'string' || given instanceof UnknownValue) return given;
    } else if (this.parameterValues instanceof UnknownValue) {
      return this.parameterValues;
    }
    const declared = this.parameters[name];
    if (isKnownObject(declared)) {
      const fallback = declared.Default;
      if (typeof fallback === 'string' || typeof fallback === 'number') return String(fallback);
    }
    return undefined;
  }

  private renderRef(name: string): string | UnknownValue {
    if (name === 'AWS::AccountId') return ACCOUNT_ID_PART;
    if (name in this.parameters) return this.parameterValue(name) ?? UNRESOLVED_PART;
    const resource = this.resourcesById.get(name);
    if (resource) {
      // `Ref` of a user, group or role is its name: known only when the template sets it.
      const nameProperty = { 'AWS::IAM::User': 'UserName', 'AWS::IAM::Group': 'GroupName', 'AWS::IAM::Role': 'RoleName' }[resource.type];
      const literal = nameProperty ? this.render(resource.properties[nameProperty]) : undefined;
      return typeof literal === 'string' || literal instanceof UnknownValue ? literal : UNRESOLVED_PART;
    }
    return UNRESOLVED_PART;
  }

  private renderGetAtt(logicalId: string, attribute: string): string {
    const resource = this.resourcesById.get(logicalId);
    if (resource && attribute === 'Arn') {
      const kind = { 'AWS::IAM::User': 'user', 'AWS::IAM::Role': 'role', 'AWS::IAM::Group': 'group' }[resource.type];
      if (kind) return `arn:${UNRESOLVED_PART}:iam::${ACCOUNT_ID_PART}:${kind}/${UNRESOLVED_PART}`;
    }
    return UNRESOLVED_PART;
  }

  private renderSub(pattern: string, variables: KnownObject): string | UnknownValue {
    let unknown: UnknownValue | undefined;
    const rendered = pattern.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      let part: string | UnknownValue | undefined;
      if (name in variables) part = this.render(variables[name]);
      else if (name.includes('.')) part = this.renderGetAtt(name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1));
      else part = this.renderRef(name);
      if (part instanceof UnknownValue) {
        unknown ??= part;
        return UNRESOLVED_PART;
      }
      return part ?? UNRESOLVED_PART;
    });
    return unknown ?? rendered;
  }

  /** Whether a parameter is a list (`CommaDelimitedList`, `List<...>`), whose `Ref` is a list. */
  private isListParameter(name: string): boolean {
    const declared = this.parameters[name];
    return isKnownObject(declared) && typeof declared.Type === 'string' && (declared.Type === 'CommaDelimitedList' || declared.Type.startsWith('List<'));
  }

  /** A template value that stands for a list, as its items: `!Ref` to a list parameter is split on commas. */
  readonly expandList: ListExpander = (value) => {
    if (isKnownObject(value) && typeof value.Ref === 'string' && this.isListParameter(value.Ref)) {
      const given = this.parameterValue(value.Ref);
      if (given === undefined) return [UNRESOLVED_PART];
      if (given instanceof UnknownValue) return [given];
      return given.split(',').map((item) => item.trim());
    }
    return asList(value);
  };

  /**
   * A template value as a string, resolving `Ref`, `Fn::Sub`, `Fn::Join` and `Fn::GetAtt ... Arn`;
   * whatever only CloudFormation can know becomes `UNRESOLVED_PART`.
   */
  readonly render: StringRenderer = (value) => {
    if (typeof value === 'string' || value instanceof UnknownValue) return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!isKnownObject(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1) return undefined;
    const [key] = keys;
    const argument = value[key];
    if (key === 'Ref') return typeof argument === 'string' ? this.renderRef(argument) : UNRESOLVED_PART;
    if (key === 'Fn::GetAtt') {
      return Array.isArray(argument) && typeof argument[0] === 'string' && typeof argument[1] === 'string'
        ? this.renderGetAtt(argument[0], argument[1])
        : UNRESOLVED_PART;
    }
    if (key === 'Fn::Sub') {
      if (typeof argument === 'string') return this.renderSub(argument, {});
      if (Array.isArray(argument) && typeof argument[0] === 'string') {
        return this.renderSub(argument[0], isKnownObject(argument[1]) ? argument[1] : {});
      }
      return UNRESOLVED_PART;
    }
    if (key === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string' && Array.isArray(argument[1])) {
      const parts = argument[1].map((part) => this.render(part));
      const unknown = parts.find((part): part is UnknownValue => part instanceof UnknownValue);
      if (unknown) return unknown;
      return parts.map((part) => (typeof part === 'string' ? part : UNRESOLVED_PART)).join(argument[0]);
    }
    if (key.startsWith('Fn::')) return UNRESOLVED_PART;
    return undefined;
  };
}

export type TemplateReadResult =
  | { kind: 'template'; template: CloudFormationTemplate }
  | { kind: 'unknown'; unknown: UnknownValue }
  | { kind: 'absent' }
  | { kind: 'unreadable'; reason: string };

/** Reads `templateBody` (JSON or YAML) of a Stack or StackSet. */
export function readTemplate(templateBody: KnownValue, parameterValues: KnownValue): TemplateReadResult {
  if (templateBody instanceof UnknownValue) return { kind: 'unknown', unknown: templateBody };
  if (templateBody === undefined || templateBody === null || templateBody === '') return { kind: 'absent' };
  if (typeof templateBody !== 'string') return { kind: 'unreadable', reason: 'templateBody is not a string' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(templateBody);
  } catch {
    try {
      parsed = parseYaml(templateBody, { customTags: CLOUDFORMATION_TAGS });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { kind: 'unreadable', reason: `neither JSON nor YAML: ${reason}` };
    }
  }
  const body = readKnown(parsed);
  if (!isKnownObject(body)) return { kind: 'unreadable', reason: 'the template is not a mapping' };
  return { kind: 'template', template: new CloudFormationTemplate(body, parameterValues) };
}

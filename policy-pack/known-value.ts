// Resource properties reach a policy through the policy SDK's proxy, which throws an
// `UnknownValueError` on any value that cannot be known until the update runs (preview). Reading
// them through `readKnown` turns each such value into an `UnknownValue` marker instead, so a policy
// can decide what it can from the rest and still hand the original error back to the SDK (which
// turns it into an advisory "can't run during preview" note) when its decision truly needs it.
import * as policySdk from '@pulumi/policy';
import { unknownValue as unknownWireValue } from '@pulumi/pulumi/runtime/rpc';

// The SDK exports the class without a type declaration; pin the shape we rely on
// (`new UnknownValueError(sentinel, propertyPath)`).
const UnknownValueErrorClass: new (sentinel: string, propertyPath: string[]) => Error = policySdk.UnknownValueError;

export function isUnknownValueError(error: unknown): error is Error {
  return error instanceof UnknownValueErrorClass;
}

/** A value not known during preview; `cause` is the SDK's error for it, when the SDK raised one. */
export class UnknownValue {
  constructor(
    readonly path: string,
    readonly cause?: Error,
  ) {}

  /**
   * Skips the check that needed this value. The SDK reports the thrown error as an advisory
   * "can't run policy during preview" note and runs the policy again, on known values, at update.
   */
  skipCheck(): never {
    throw this.cause ?? new UnknownValueErrorClass(unknownWireValue, this.path.split('.'));
  }
}

export type KnownValue =
  | null
  | undefined
  | boolean
  | number
  | string
  | UnknownValue
  | KnownValue[]
  | { [key: string]: KnownValue };

export type KnownObject = { [key: string]: KnownValue };

function readProperty(container: object, key: string | number, path: string): KnownValue {
  let field: unknown;
  try {
    field = (container as Record<string | number, unknown>)[key];
  } catch (error) {
    if (isUnknownValueError(error)) return new UnknownValue(path, error);
    throw error;
  }
  return readKnown(field, path);
}

/** A plain copy of `value` (resource props, proxied or not) with every unknown replaced by a marker. */
export function readKnown(value: unknown, path = ''): KnownValue {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') {
    // Values that bypassed the proxy (plain inputs, mocks) carry the wire sentinel itself.
    return value === unknownWireValue ? new UnknownValue(path) : value;
  }
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  if (value instanceof UnknownValue) return value;
  if (Array.isArray(value)) {
    const items: KnownValue[] = [];
    for (let index = 0; index < value.length; index++) {
      items.push(readProperty(value, index, `${path}[${index}]`));
    }
    return items;
  }
  if (typeof value === 'object') {
    const copy: KnownObject = {};
    for (const key of Object.keys(value)) {
      copy[key] = readProperty(value, key, path ? `${path}.${key}` : key);
    }
    return copy;
  }
  // Functions and symbols never come from resource state.
  return undefined;
}

export function isKnownObject(value: KnownValue): value is KnownObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof UnknownValue);
}

/** The value when it is an object, otherwise an empty one: resource props read field by field. */
export function asKnownObject(value: KnownValue): KnownObject {
  return isKnownObject(value) ? value : {};
}

/** A single value or a list of values, as IAM documents allow for most fields. */
export function asList(value: KnownValue): KnownValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Three-valued answers: `maybe` when the answer depends on a value not known yet. Combining them
 * follows Kleene logic, so one unknown never hides a certain `yes` (or a certain `no`).
 */
export type Tri = 'yes' | 'no' | 'maybe';

export function anyOf(answers: Iterable<Tri>): Tri {
  let result: Tri = 'no';
  for (const answer of answers) {
    if (answer === 'yes') return 'yes';
    if (answer === 'maybe') result = 'maybe';
  }
  return result;
}

export function allOf(answers: Iterable<Tri>): Tri {
  let result: Tri = 'yes';
  for (const answer of answers) {
    if (answer === 'no') return 'no';
    if (answer === 'maybe') result = 'maybe';
  }
  return result;
}

export function not(answer: Tri): Tri {
  return answer === 'yes' ? 'no' : answer === 'no' ? 'yes' : 'maybe';
}

/** The first unknown found in `values` (depth first), to hand back to the SDK as the reason a check was skipped. */
export function firstUnknown(...values: KnownValue[]): UnknownValue | undefined {
  for (const value of values) {
    if (value instanceof UnknownValue) return value;
    if (Array.isArray(value)) {
      const found = firstUnknown(...value);
      if (found) return found;
    } else if (isKnownObject(value)) {
      const found = firstUnknown(...Object.values(value));
      if (found) return found;
    }
  }
  return undefined;
}

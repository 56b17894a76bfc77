// A small EventBridge event-pattern matcher and input-transformer renderer for the tests, after
// the rules of the EventBridge user guide ("Event patterns", "Content filtering", "Input
// transformation"): a field's array lists what may match (any of them), an event array matches when
// any of its values does, objects nest, `$or` takes any of its patterns, and the content filters
// `exists`, `prefix`, `suffix`, `anything-but` and `equals-ignore-case`. Anything else is refused,
// so a pattern the tests cannot judge never passes silently.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function leafMatches(matcher: unknown, value: Json | undefined): boolean {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'number' || typeof matcher === 'boolean') {
    return value !== undefined && value === matcher;
  }
  if (!isRecord(matcher)) throw new Error(`not an EventBridge matcher: ${JSON.stringify(matcher)}`);
  const [filter, argument] = Object.entries(matcher)[0] ?? [];
  if (Object.keys(matcher).length !== 1 || filter === undefined) throw new Error(`one filter per matcher: ${JSON.stringify(matcher)}`);
  switch (filter) {
    case 'exists':
      return argument === (value !== undefined);
    case 'prefix':
      return typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    case 'suffix':
      return typeof value === 'string' && typeof argument === 'string' && value.endsWith(argument);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof argument === 'string' && value.toLowerCase() === argument.toLowerCase();
    case 'anything-but':
      return value !== undefined && ![argument].flat().includes(value as never);
    default:
      throw new Error(`content filter ${filter} is not supported by the test matcher`);
  }
}

function fieldMatches(pattern: unknown, value: Json | undefined): boolean {
  if (Array.isArray(pattern)) {
    // exists: false is the one matcher an absent field can satisfy.
    const values: Array<Json | undefined> = Array.isArray(value) ? value : [value];
    return pattern.some((matcher) => values.some((item) => leafMatches(matcher, item)));
  }
  if (isRecord(pattern)) {
    if (value !== undefined && !isRecord(value)) return false;
    return objectMatches(pattern, (value ?? {}) as Record<string, Json>, value === undefined);
  }
  throw new Error(`a pattern's field must be an array or an object: ${JSON.stringify(pattern)}`);
}

function objectMatches(pattern: Record<string, unknown>, event: Record<string, Json>, absent = false): boolean {
  return Object.entries(pattern).every(([key, field]) => {
    if (key === '$or') {
      if (!Array.isArray(field) || field.length < 2) throw new Error('$or takes two patterns or more');
      return field.some((alternative) => isRecord(alternative) && objectMatches(alternative, event, absent));
    }
    return fieldMatches(field, absent ? undefined : event[key]);
  });
}

/** Whether EventBridge would deliver `event` to a rule with this pattern. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isRecord(pattern) || !isRecord(event)) throw new Error('a pattern and an event are JSON objects');
  return objectMatches(pattern, event as Record<string, Json>);
}

function valueAt(event: unknown, jsonPath: string): Json | undefined {
  if (!jsonPath.startsWith('$.')) throw new Error(`not a JSON path EventBridge takes: ${jsonPath}`);
  let current: unknown = event;
  for (const part of jsonPath.slice(2).split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current as Json | undefined;
}

/**
 * The text an input transformer with a string template sends: each `<name>` replaced by the value
 * at its path, escaped as inside a JSON string; a path the event lacks gives an empty value.
 */
export function renderInputTemplate(transformer: { inputPaths: Record<string, string>; inputTemplate: string }, event: unknown): string {
  const filled = transformer.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (placeholder, name: string) => {
    const path = transformer.inputPaths[name];
    if (path === undefined) throw new Error(`the template uses ${placeholder}, which inputPaths does not define`);
    const value = valueAt(event, path);
    if (value === undefined || value === null) return '';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return JSON.stringify(text).slice(1, -1);
  });
  const rendered: unknown = JSON.parse(filled);
  if (typeof rendered !== 'string') throw new Error('the template is not a JSON string');
  return rendered;
}

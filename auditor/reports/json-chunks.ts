// `JSON.stringify(value, null, 2)` of an object, written in pieces: the named arrays one element
// at a time, everything else a property at a time. The pieces joined are exactly the one string,
// but the whole never has to be in memory at once (a run of 10,000 accounts is hundreds of MB).

/** Lines of a nested value, moved right by `pad`. JSON strings never hold a raw newline, so every newline is a line break. */
function indent(text: string, pad: string): string {
  return text.replace(/\n/g, `\n${pad}`);
}

/** What JSON.stringify leaves out of an object. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

export function* prettyJsonChunks(value: object, streamedArrays: readonly string[]): Generator<string> {
  const entries = Object.entries(value).filter(([, property]) => !isOmitted(property));
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (const [index, [key, property]] of entries.entries()) {
    const separator = index < entries.length - 1 ? ',' : '';
    const head = `  ${JSON.stringify(key)}: `;
    if (streamedArrays.includes(key) && Array.isArray(property) && property.length > 0) {
      yield `${head}[\n`;
      for (const [position, item] of (property as unknown[]).entries()) {
        // In an array JSON.stringify writes what it would omit from an object as null.
        const text = isOmitted(item) ? 'null' : JSON.stringify(item, null, 2);
        yield `    ${indent(text, '    ')}${position < property.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${separator}\n`;
    } else {
      yield `${head}${indent(JSON.stringify(property, null, 2), '  ')}${separator}\n`;
    }
  }
  yield '}';
}

// Counted nouns in what the command, the reports and the notifications say: `1 key`, `2 keys`,
// `1 entry`, `3 entries`. One helper, so that no line reads "1 findings" or "1 days ago".
/** `count` and the noun, singular for exactly 1; `many` when the plural is not the noun plus "s". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// The text of a report as the sinks write it: its pieces, joined.
export function reportText(chunks: Iterable<string>): string {
  return [...chunks].join('');
}

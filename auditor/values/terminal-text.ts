// Account names and AWS error messages go to a terminal: control characters (escape sequences,
// carriage returns that overwrite the line) are replaced so they cannot disguise the output, and so
// are the Unicode controls that reorder or break text on display (bidirectional embeddings,
// overrides and isolates, the directional marks, line and paragraph separators), with which a name
// can make a line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ');
}

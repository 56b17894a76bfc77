// A thrown value as one line of text for a message or a report, in one place. The error's name
// leads when it says more than "Error" (`TimeoutError: ...`); callers that put the message inside
// a sentence of their own (a JSON parse failure, a file that cannot be read) leave it out.
export function errorMessage(error: unknown, options: { withName?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  const withName = options.withName ?? true;
  return withName && error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}

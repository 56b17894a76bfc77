// AWS errors as the SDK throws them: modelled errors carry the exception name
// (`NoSuchEntityException`) and, for query protocols such as IAM's, the wire code (`NoSuchEntity`)
// in `Code`; unmodelled ones (`AccessDenied`) only the code as name. Matching either keeps the
// collectors independent of which one a given SDK version or endpoint produces.

export function awsErrorCodes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const codes: string[] = [];
  for (const key of ['name', 'Code', 'code'] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') codes.push(value);
  }
  return codes;
}

export function isAwsError(error: unknown, ...codes: string[]): boolean {
  return awsErrorCodes(error).some((code) => codes.includes(code));
}

export function isNoSuchEntity(error: unknown): boolean {
  return isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException');
}

/**
 * True when the failure is the account's signal cutting the call (`AbortError`), itself or as the
 * cause of the error that reports it: the deadline or the stop is then the reason, not this.
 */
export function causedByAbort(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (isAwsError(current, 'AbortError')) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/** One line for reports: `AccessDenied: User ... is not authorized to perform ...`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = awsErrorCodes(error).find((candidate) => candidate !== 'Error') ?? 'Error';
    const message = error.message.replace(/\s+/g, ' ').trim();
    return message && message !== code ? `${code}: ${message}` : code;
  }
  return String(error);
}

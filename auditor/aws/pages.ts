// The one check every paginator's pages go through: a page whose next token was already returned
// by an earlier page would make the paginator ask for the same pages forever (an endpoint that
// answers the same `NextToken` again made 1,179 calls in a minute and never ended).

/** A paginated call that returned, as its next token, a token it had already returned. */
export class RepeatedPageTokenError extends Error {
  constructor(readonly operation: string) {
    super(`${operation} returned a page token it had already returned: the listing would never end`);
    this.name = 'RepeatedPageToken';
  }
}

/** `pages`, ended with a RepeatedPageTokenError at the first page whose `tokenKey` repeats. */
export async function* distinctPages<Page extends object>(pages: AsyncIterable<Page>, operation: string, tokenKey: keyof Page & string): AsyncGenerator<Page> {
  const seen = new Set<string>();
  for await (const page of pages) {
    const token = page[tokenKey];
    if (typeof token === 'string' && token !== '') {
      if (seen.has(token)) throw new RepeatedPageTokenError(operation);
      seen.add(token);
    }
    yield page;
  }
}

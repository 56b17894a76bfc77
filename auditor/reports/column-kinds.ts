// What a report column holds, declared once beside the report's header and read by every writer
// that types its cells (the workbook): the CSV writes every cell as text whatever its kind.

/**
 * `id`: an account id, key id or control id, always text (`015197090613`, `1.10`);
 * `date`: an ISO-8601 UTC time or `Never`; `day`: a `YYYY-MM-DD` day;
 * `text`: a short value; `prose`: a sentence or a list (evidence, remediation, errors).
 */
export type ColumnKind = 'id' | 'date' | 'day' | 'text' | 'prose';

/** The kinds of a report's columns, by header name; a column not named is `text`. */
export type ColumnKinds<Header extends readonly string[]> = Readonly<Partial<Record<Header[number], ColumnKind>>>;

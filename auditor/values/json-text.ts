// Reading back the JSON files the auditor wrote (a previous report, the run history, a shard's
// part): a file that is not JSON is an error naming the file, of the kind the caller reports.
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parser } from 'stream-json';
import Assembler from 'stream-json/Assembler';
import { ignore } from 'stream-json/filters/Ignore';
import { errorMessage } from './error-text';

/** `JSON.parse(text)`, or `toError('<source>: not JSON (<reason>)')` thrown when it is not JSON. */
export function parseJsonFile(text: string, source: string, toError: (message: string) => Error): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw toError(`${source}: not JSON (${errorMessage(error, { withName: false })})`);
  }
}

/** Where a value sits in the document: `['accounts', 3, 'events']`. */
export type JsonPath = ReadonlyArray<string | number | null>;

/**
 * Parses JSON as it streams in, leaving out every value whose path `skip` accepts. For reports
 * too large to hold as one string (V8 caps a string at about 512 MB, and a string that large costs
 * its size again while it is parsed): only what is kept is ever built.
 */
export async function parseJsonStream(
  input: Readable,
  source: string,
  toError: (message: string) => Error,
  skip: (path: JsonPath) => boolean,
): Promise<unknown> {
  let readFailure: unknown;
  input.once('error', (error) => {
    readFailure = error;
  });
  const assembler = new Assembler();
  const collect = new Writable({
    objectMode: true,
    write(token: Parameters<Assembler['consume']>[0], _encoding, done) {
      assembler.consume(token);
      done();
    },
  });
  try {
    await pipeline(input, parser({ streamValues: false }), ignore({ filter: (stack) => skip(stack) }), collect);
  } catch (error) {
    if (readFailure !== undefined) throw toError(`${source}: cannot read (${errorMessage(readFailure, { withName: false })})`);
    throw toError(`${source}: not JSON (${errorMessage(error, { withName: false })})`);
  }
  if (!assembler.done) throw toError(`${source}: not JSON (the document ends early)`);
  return assembler.current as unknown;
}

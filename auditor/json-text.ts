// Reading back the JSON files the auditor wrote (a previous report, the run history, a shard's
// part): a file that is not JSON is an error naming the file, of the kind the caller reports.

/** `JSON.parse(text)`, or `toError('<source>: not JSON (<reason>)')` thrown when it is not JSON. */
export function parseJsonFile(text: string, source: string, toError: (message: string) => Error): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw toError(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

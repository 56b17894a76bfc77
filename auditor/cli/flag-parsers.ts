// The shared parsers (values/parsers.ts) as commander argument parsers: a ConfigError becomes
// commander's InvalidArgumentError, so a bad flag is reported as commander reports its own.
import { InvalidArgumentError } from 'commander';
import { ConfigError, parseAccountIds, problemOf } from '../values/parsers';

/** A commander argument parser that checks with `parse` and reports its ConfigError as commander does. */
export function singleValueParser<T>(flag: string, parse: (value: string, source: string) => T) {
  return (value: string): T => asCommanderError(() => parse(value, flag));
}

/** commander calls argument parsers with the previous value; repeated flags accumulate. */
export function accountIdsParser(flag: string) {
  return (value: string, previous: string[] | undefined): string[] => {
    const ids = asCommanderError(() => parseAccountIds(value, flag));
    return [...(previous ?? []), ...ids];
  };
}

// commander prints InvalidArgumentError as "option '--x <v>' argument 'y' is invalid. <message>".
function asCommanderError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) {
      const reason = problemOf(error);
      throw new InvalidArgumentError(reason.charAt(0).toUpperCase() + reason.slice(1));
    }
    throw error;
  }
}

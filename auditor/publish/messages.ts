// What a sink may say while it delivers, as the command prints it (cli/command-output.ts
// implements it): an interface here, so that publish/ does not reach up into the command line.
export interface Messages {
  /** Lines for people; dropped with `--quiet`. */
  info(text: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Where the CLI writes. Results go to standard output (a JSON document with --output json); progress,
 * logs and errors to standard error, so that `--output json | jq` sees only the document.
 */
export interface Terminal {
  /** Writes to standard output. */
  write(text: string): void;
  /** Writes to standard error. */
  log(text: string): void;
  /** Standard error is a terminal: progress may redraw itself in place. */
  readonly interactive: boolean;
  /** Width of standard error's terminal, or 100 when it is not one. */
  readonly columns: number;
}

export function processTerminal(): Terminal {
  return {
    write: (text) => {
      process.stdout.write(text);
    },
    log: (text) => {
      process.stderr.write(text);
    },
    interactive: process.stderr.isTTY === true && process.env.TERM !== "dumb",
    get columns() {
      return process.stderr.columns || 100;
    },
  };
}

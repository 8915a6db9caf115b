import type { Terminal } from "../../../src/cli/terminal.js";

/** A Terminal that keeps what is written, for in-process runs of the CLI. */
export class MemoryTerminal implements Terminal {
  stdout = "";
  stderr = "";
  readonly interactive: boolean;
  readonly columns = 120;

  constructor(options: { interactive?: boolean } = {}) {
    this.interactive = options.interactive ?? false;
  }

  write(text: string): void {
    this.stdout += text;
  }

  log(text: string): void {
    this.stderr += text;
  }
}

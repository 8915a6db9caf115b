import { EXIT, type ExitCode } from "./exit-codes.js";

/** The command line itself is wrong (unknown flag, bad value): exit 64 with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode: ExitCode = EXIT.usage;

  constructor(
    message: string,
    /** The command whose --help to point at, if known. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/**
 * A failure the CLI reports in one line (unknown node, bad kubeconfig, unreachable server). `retryable`
 * says whether running the same command again later may succeed.
 */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: ExitCode;
  readonly retryable: boolean;
  /** The message already says all that matters of its cause: the one-line report stops here. */
  readonly selfContained: boolean;

  constructor(
    message: string,
    options: { cause?: unknown; exitCode?: ExitCode; retryable?: boolean; selfContained?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT.error;
    this.retryable = options.retryable ?? false;
    this.selfContained = options.selfContained ?? false;
  }
}

/**
 * One line for any failure: its message followed by the messages of its causes that add something
 * ("reading kubeconfig /x: ENOENT: no such file or directory"). A cause whose first line is already
 * said is left out; newlines are folded.
 */
export function errorLine(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    const firstLine = message.split("\n")[0]?.trim() ?? "";
    const text = message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .join("; ");
    if (text !== "" && !parts.some((part) => part.includes(firstLine))) parts.push(text);
    if (current instanceof CliError && current.selfContained) break;
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}

/** The stack of the error and each cause, for --verbose. */
export function errorStack(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\ncaused by: ");
}

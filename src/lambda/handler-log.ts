import type { Logger } from "@aws-lambda-powertools/logger";

export type LogFields = Record<string, unknown>;

/** The handler's structured log: one line per decision, fields named after the domain. */
export interface HandlerLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The handler's log over a Powertools Logger (JSON lines with the request ID once the context is added). */
export function powertoolsLog(logger: Logger): HandlerLog {
  return {
    info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
    warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
    error: (message, fields) => (fields ? logger.error(message, fields) : logger.error(message)),
  };
}

/** A short, loggable description of any failure, with its chain of causes. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (!parts.some((part) => part.includes(text))) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" ← ");
}

export type LogFields = Record<string, unknown>;

/** The lifecycle job's structured log: one line per decision, fields named after the domain. */
export interface JobLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A log whose every line carries `keys` too (one per notice: several run at once in a batch). */
  child?(keys: LogFields): JobLog;
}

/**
 * The keys every line about one notice carries, named once here: `instanceId`, `asg`, `hook`, then
 * `cluster` once resolved and `node` once found.
 */
export interface NoticeLogKeys {
  instanceId?: string;
  asg?: string;
  hook?: string;
  cluster?: string;
  node?: string;
}

/** `log` with `keys` on every line: its own child logger when it has one, else the keys merged into fields. */
export function withKeys(log: JobLog, keys: LogFields): JobLog {
  if (log.child !== undefined) return log.child(keys);
  return {
    info: (message, fields) => log.info(message, { ...keys, ...fields }),
    warn: (message, fields) => log.warn(message, { ...keys, ...fields }),
    error: (message, fields) => log.error(message, { ...keys, ...fields }),
    child: (more) => withKeys(log, { ...keys, ...more }),
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

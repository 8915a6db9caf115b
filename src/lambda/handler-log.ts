import type { Logger } from "@aws-lambda-powertools/logger";

export type LogFields = Record<string, unknown>;

/** The handler's structured log: one line per decision, fields named after the domain. */
export interface HandlerLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A log whose every line carries `keys` too (one per notice: several run at once in a batch). */
  child?(keys: LogFields): HandlerLog;
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
export function withKeys(log: HandlerLog, keys: LogFields): HandlerLog {
  if (log.child !== undefined) return log.child(keys);
  return {
    info: (message, fields) => log.info(message, { ...keys, ...fields }),
    warn: (message, fields) => log.warn(message, { ...keys, ...fields }),
    error: (message, fields) => log.error(message, { ...keys, ...fields }),
    child: (more) => withKeys(log, { ...keys, ...more }),
  };
}

/**
 * The handler's log over a Powertools Logger (JSON lines with the request ID once the context is added).
 * `child` makes a child logger with the keys appended, so that notices handled at once never share keys.
 */
export function powertoolsLog(logger: Logger): HandlerLog {
  return {
    info: (message, fields) => (fields ? logger.info(message, unreserved(fields)) : logger.info(message)),
    warn: (message, fields) => (fields ? logger.warn(message, unreserved(fields)) : logger.warn(message)),
    error: (message, fields) => (fields ? logger.error(message, unreserved(fields)) : logger.error(message)),
    child: (keys) => {
      const child = logger.createChild();
      child.appendKeys(keys);
      return powertoolsLog(child);
    },
  };
}

/** Keys Powertools keeps for itself (it drops a field so named, with a warning), and what they become. */
const reservedKeys: Record<string, string> = {
  message: "detail",
  level: "levelField",
  service: "serviceField",
  timestamp: "timestampField",
  sampling_rate: "samplingRateField",
};

/** The fields with reserved keys renamed: an API error's `message` is kept as `detail`. */
function unreserved(fields: LogFields): LogFields {
  if (!Object.keys(fields).some((key) => Object.hasOwn(reservedKeys, key))) return fields;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [reservedKeys[key] ?? key, value]));
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

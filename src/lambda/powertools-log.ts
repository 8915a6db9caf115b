import type { Logger } from "@aws-lambda-powertools/logger";
import type { JobLog, LogFields } from "../lifecycle/index.js";

/**
 * The handler's log over a Powertools Logger (JSON lines with the request ID once the context is added).
 * `child` makes a child logger with the keys appended, so that notices handled at once never share keys.
 */
export function powertoolsLog(logger: Logger): JobLog {
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

import type { Clock } from "../drain/clock.js";
import type { JobLog, LogFields } from "../lifecycle/index.js";
import type { Terminal } from "./terminal.js";

/**
 * The worker's log on standard error: one JSON line per decision (`time`, `level`, `message`, then the
 * fields, for log collectors) or one text line. Info lines about single drain steps are kept for --verbose.
 */
export function lineLog(
  terminal: Terminal,
  format: "json" | "text",
  clock: Clock,
  verbose: boolean,
  keys: LogFields = {},
): JobLog {
  const write = (level: "info" | "warn" | "error", message: string, fields: LogFields = {}) => {
    if (level === "info" && !verbose && message.startsWith("drain: ") && message !== "drain: finished")
      return;
    const time = new Date(clock.now()).toISOString();
    const all = { ...keys, ...fields };
    terminal.log(
      format === "json"
        ? `${JSON.stringify({ time, level, message, ...all })}\n`
        : `${time} ${level} ${message}${Object.keys(all).length === 0 ? "" : ` ${JSON.stringify(all)}`}\n`,
    );
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (more) => lineLog(terminal, format, clock, verbose, { ...keys, ...more }),
  };
}

import type { JobLog, LogFields } from "../../../src/lifecycle/job-log.js";

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields: LogFields;
}

/** A JobLog that keeps its lines for assertions (set LAMBDA_TEST_LOG=1 to also print them). */
export class MemoryLog implements JobLog {
  readonly lines: LogLine[] = [];

  info(message: string, fields: LogFields = {}): void {
    this.push("info", message, fields);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.push("warn", message, fields);
  }

  error(message: string, fields: LogFields = {}): void {
    this.push("error", message, fields);
  }

  /** Lines whose message starts with `prefix`. */
  find(prefix: string): LogLine[] {
    return this.lines.filter((line) => line.message.startsWith(prefix));
  }

  private push(level: LogLine["level"], message: string, fields: LogFields): void {
    this.lines.push({ level, message, fields });
    if (process.env.LAMBDA_TEST_LOG === "1") console.log(level, message, JSON.stringify(fields));
  }
}

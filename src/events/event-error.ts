import type * as z from "zod";

/**
 * An inbound message that cannot be turned into a notice. Never retryable: the same bytes fail the same
 * way, so an SQS message carrying it belongs in the dead-letter queue after its redeliveries.
 * The message names the field that is wrong and the type of the value found there, never the whole input.
 */
export class EventError extends Error {
  override readonly name = "EventError";
  readonly retryable = false;
  /** Dotted path of the offending field (`detail.EC2InstanceId`), or `(message)` for the input as a whole. */
  readonly field: string;

  constructor(field: string, problem: string, options?: ErrorOptions) {
    super(`${field}: ${problem}`, options);
    this.field = field;
  }
}

const shortStringLimit = 64;

/** A short, safe description of any value: its type, and its content only when it is short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  switch (typeof value) {
    case "string":
      if (value.length === 0) return "an empty string";
      return value.length <= shortStringLimit
        ? `the string ${JSON.stringify(value)}`
        : `a string of ${value.length} characters`;
    case "number":
      return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
    case "boolean":
      return `the boolean ${value}`;
    case "object":
      return `an object with keys ${describeKeys(value)}`;
    default:
      return `a value of type ${typeof value}`;
  }
}

function describeKeys(value: object): string {
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  const shown = keys.slice(0, 8).map((key) => (key.length > 40 ? `${key.slice(0, 40)}…` : key));
  const more = keys.length > shown.length ? `, … (${keys.length} in all)` : "";
  return `[${shown.join(", ")}${more}]`;
}

/** Joins a path the way a reader writes it: `Records[0].body`, `detail.EC2InstanceId`. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return text.length === 0 ? "(message)" : text;
}

/** Reads the value at a path without trusting the input's shape. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Turns the first problem zod found into an EventError naming the field and what was there. */
export function eventErrorFromZod(error: z.ZodError, input: unknown, prefix = ""): EventError {
  const issue = error.issues[0];
  if (issue === undefined) return new EventError(prefix || "(message)", "is not valid");
  const found = valueAt(input, issue.path);
  const others = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : "";
  return new EventError(
    formatPath(issue.path, prefix),
    `${issue.message}, got ${describeValue(found)}${others}`,
  );
}

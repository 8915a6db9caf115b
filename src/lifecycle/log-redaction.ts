import { type JobLog, type LogFields, withKeys } from "./job-log.js";

/** Patterns of credentials that must never reach a log line, whatever put them there. */
const credentialPatterns: { pattern: RegExp; replacement: string }[] = [
  // An EKS bearer token: "k8s-aws-v1." and a base64url presigned STS URL.
  { pattern: /k8s-aws-v1\.[A-Za-z0-9_=-]*/g, replacement: "[redacted EKS token]" },
  { pattern: /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, replacement: "$1 [redacted]" },
  // The signing parts of a presigned URL (and of the decoded token).
  {
    pattern: /(X-Amz-(?:Signature|Security-Token|Credential))=[^&\s"']+/gi,
    replacement: "$1=[redacted]",
  },
  { pattern: /https:\/\/hooks\.slack\.com\/[^\s"']+/g, replacement: "[redacted webhook URL]" },
];

const MAX_DEPTH = 6;

/**
 * Scrubs credentials from log lines: EKS tokens, bearer headers, presigned URL signatures, and the secrets
 * registered at run time (a webhook URL once read). Defence in depth: no code logs these on purpose.
 */
export class LogRedactor {
  private readonly secrets = new Set<string>();

  /** Adds a value (e.g. the webhook URL) that must never appear in a log line. */
  addSecret(secret: string): void {
    if (secret.length >= 8) this.secrets.add(secret);
  }

  redactText(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join("[redacted]");
    for (const { pattern, replacement } of credentialPatterns) result = result.replace(pattern, replacement);
    return result;
  }

  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.redactText(value);
    if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
    if (value instanceof Error) {
      return {
        name: value.name,
        message: this.redactText(value.message),
        ...(value.cause === undefined ? {} : { cause: this.redactValue(value.cause, depth + 1) }),
      };
    }
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = this.redactValue(item, depth + 1);
    return copy;
  }
}

/** `log` with every message and field passed through `redactor` first. */
export function redactedLog(log: JobLog, redactor: LogRedactor): JobLog {
  const fieldsOf = (fields: LogFields | undefined) =>
    fields === undefined ? undefined : (redactor.redactValue(fields) as LogFields);
  return {
    info: (message, fields) => log.info(redactor.redactText(message), fieldsOf(fields)),
    warn: (message, fields) => log.warn(redactor.redactText(message), fieldsOf(fields)),
    error: (message, fields) => log.error(redactor.redactText(message), fieldsOf(fields)),
    child: (keys) => redactedLog(withKeys(log, fieldsOf(keys) ?? {}), redactor),
  };
}

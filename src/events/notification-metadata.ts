import { describeValue, EventError } from "./event-error.js";
import { clusterNameSchema } from "./lifecycle-fields.js";

/** The hook's NotificationMetadata is at most 4000 characters (Auto Scaling API limit). */
const metadataLimit = 4000;

/**
 * Reads the cluster name from a hook's NotificationMetadata.
 * - absent, null or blank → undefined (the Lambda falls back to its settings and the instance's tags);
 * - a plain string → the cluster name itself;
 * - JSON text (starting with `{`, `[` or `"`) → must be an object with a string `clusterName`; other keys
 *   are tolerated.
 * Anything else is an EventError naming `field`.
 */
export function clusterNameFromMetadata(metadata: unknown, field: string): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== "string") {
    throw new EventError(field, `expected a string (a cluster name or JSON), got ${describeValue(metadata)}`);
  }
  if (metadata.length > metadataLimit) {
    throw new EventError(
      field,
      `expected at most ${metadataLimit} characters, got ${describeValue(metadata)}`,
    );
  }
  const text = metadata.trim();
  if (text.length === 0) return undefined;
  if (text.startsWith("{") || text.startsWith("[") || text.startsWith('"')) return fromJson(text, field);
  return asClusterName(text, field);
}

function fromJson(text: string, field: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new EventError(field, "looks like JSON but does not parse", { cause });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new EventError(
      field,
      `expected a JSON object with a string clusterName, got ${describeValue(parsed)}`,
    );
  }
  const clusterName: unknown = Object.hasOwn(parsed, "clusterName")
    ? (parsed as Record<string, unknown>).clusterName
    : undefined;
  if (typeof clusterName !== "string") {
    throw new EventError(
      `${field}.clusterName`,
      `expected a string in the JSON metadata, got ${describeValue(clusterName)}`,
    );
  }
  return asClusterName(clusterName, `${field}.clusterName`);
}

function asClusterName(value: string, field: string): string {
  const checked = clusterNameSchema.safeParse(value);
  if (!checked.success) {
    const problem = checked.error.issues[0]?.message ?? "expected an EKS cluster name";
    throw new EventError(field, `${problem}, got ${describeValue(value)}`);
  }
  return checked.data;
}

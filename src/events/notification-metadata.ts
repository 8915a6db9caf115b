import { describeValue, EventError } from "./event-error.js";
import { clusterNameSchema } from "./lifecycle-fields.js";

/** The hook's NotificationMetadata is at most 4000 characters (Auto Scaling API limit). */
const metadataLimit = 4000;

/** What a hook's NotificationMetadata says about the cluster. */
export interface MetadataReading {
  /** The cluster it names: from JSON, or the plain text itself when that is a valid cluster name. */
  clusterName?: string;
  /**
   * The plain text, when the metadata is not JSON: only a hint (hooks carry free text for other tools
   * too), which the job replaces with its configured cluster when the text names no cluster it serves.
   */
  plainText?: string;
}

/**
 * Reads a hook's NotificationMetadata.
 * - absent, null or blank → nothing (the job falls back to its settings and the instance's tags);
 * - JSON text (starting with `{`, `[` or `"`) → must be an object with a string `clusterName`; other keys
 *   are tolerated; anything else is an EventError naming `field`;
 * - a plain string → `plainText`, and `clusterName` when it is a valid cluster name.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html (NotificationMetadata:
 * any string up to 4000 characters)
 */
export function readNotificationMetadata(metadata: unknown, field: string): MetadataReading {
  if (metadata === undefined || metadata === null) return {};
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
  if (text.length === 0) return {};
  if (text.startsWith("{") || text.startsWith("[") || text.startsWith('"')) {
    return { clusterName: fromJson(text, field) };
  }
  const checked = clusterNameSchema.safeParse(text);
  return checked.success ? { clusterName: checked.data, plainText: text } : { plainText: text };
}

/** The cluster name NotificationMetadata gives, if any (see readNotificationMetadata). */
export function clusterNameFromMetadata(metadata: unknown, field: string): string | undefined {
  return readNotificationMetadata(metadata, field).clusterName;
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

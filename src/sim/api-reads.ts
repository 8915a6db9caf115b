import { LabelSelectorError, matchesRequirements, parseLabelSelector } from "../labels/label-selector.js";
import { jsonReply, type Reply } from "./api-reply.js";
import { badRequest, notFound } from "./api-status.js";
import { FieldSelectorError, matchesFields, parseFieldSelector } from "./field-selector.js";
import type { ObjectStore } from "./object-store.js";
import { apiVersionOf, type ResourceType } from "./resource-types.js";
import type { WatchRequest } from "./watch-hub.js";

/** GET, LIST and WATCH of any served resource. */

export interface ReadTarget {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
}

function selectors(type: ResourceType, query: URLSearchParams) {
  try {
    return {
      labels: parseLabelSelector(query.get("labelSelector") ?? ""),
      fields: parseFieldSelector(type, query.get("fieldSelector") ?? ""),
    };
  } catch (error) {
    if (error instanceof LabelSelectorError || error instanceof FieldSelectorError)
      throw badRequest(error.message);
    throw error;
  }
}

export function getObject(store: ObjectStore, target: ReadTarget): Reply {
  const stored = store.get(target.type, target.namespace, target.name ?? "");
  if (!stored) throw notFound(target.type.plural, target.type.group, target.name ?? "");
  return jsonReply(200, stored.json());
}

interface ContinueToken {
  rv: number;
  after: string;
}

function readContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<ContinueToken>;
    if (typeof parsed.rv === "number" && typeof parsed.after === "string")
      return { rv: parsed.rv, after: parsed.after };
  } catch {
    // falls through to the refusal below
  }
  throw badRequest(`continue key is not valid: ${token}`);
}

function nonNegativeInteger(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw badRequest(`invalid ${key}: "${raw}" is not a non-negative integer`);
  return value;
}

/** LIST with label and field selectors, and limit/continue paging over the current state. */
export function listObjects(store: ObjectStore, target: ReadTarget, query: URLSearchParams): Reply {
  const { labels, fields } = selectors(target.type, query);
  const limit = nonNegativeInteger(query, "limit");
  const token = query.get("continue");
  const after = token ? readContinue(token).after : undefined;
  const items: string[] = [];
  let lastKey: string | undefined;
  let remaining = 0;
  const indexed = fields.find(
    (field) => field.equals && field.value !== "" && store.hasIndex(target.type, field.key),
  );
  const candidates = indexed
    ? store
        .byIndex(target.type, indexed.key, indexed.value)
        .filter((stored) => !target.namespace || stored.object.metadata.namespace === target.namespace)
    : store.list(target.type, target.namespace);
  for (const stored of candidates) {
    if (after !== undefined && stored.key <= after) continue;
    if (!matchesRequirements(labels, stored.object.metadata.labels) || !matchesFields(fields, stored.object))
      continue;
    if (limit !== undefined && limit > 0 && items.length >= limit) {
      remaining += 1;
      continue;
    }
    items.push(stored.itemJson());
    lastKey = stored.key;
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(store.resourceVersion) };
  if (remaining > 0 && lastKey !== undefined) {
    metadata.continue = Buffer.from(JSON.stringify({ rv: store.resourceVersion, after: lastKey })).toString(
      "base64url",
    );
    metadata.remainingItemCount = remaining;
  }
  const head = `{"kind":"${target.type.kind}List","apiVersion":"${apiVersionOf(target.type)}","metadata":${JSON.stringify(metadata)},"items":[`;
  return jsonReply(200, `${head}${items.join(",")}]}`);
}

/** The default server-side watch timeout: a random 30–60 minutes, as --min-request-timeout gives. */
function defaultTimeoutMs(): number {
  return (1800 + Math.floor(Math.random() * 1800)) * 1000;
}

/** Parses a WATCH request; the stream itself is served by the WatchHub. */
export function watchRequest(
  target: ReadTarget,
  query: URLSearchParams,
  dropAfterMs: number | undefined,
): Reply {
  const { labels, fields } = selectors(target.type, query);
  const rawVersion = query.get("resourceVersion");
  let resourceVersion: number | undefined;
  if (rawVersion !== null && rawVersion !== "") {
    resourceVersion = Number(rawVersion);
    if (!Number.isInteger(resourceVersion) || resourceVersion < 0) {
      throw badRequest(`resourceVersion: Invalid value: "${rawVersion}": must be a non-negative integer`);
    }
  }
  const timeoutSeconds = nonNegativeInteger(query, "timeoutSeconds");
  const allNamespaces = target.namespace === undefined;
  const fieldName = target.name;
  const request: WatchRequest = {
    type: target.type,
    ...(allNamespaces ? {} : { namespace: target.namespace }),
    labels,
    fields: fieldName
      ? [...fields, ...parseFieldSelector(target.type, `metadata.name=${fieldName}`)]
      : fields,
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    timeoutMs:
      timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds * 1000 : defaultTimeoutMs(),
    bookmarks: query.get("allowWatchBookmarks") === "true",
    ...(dropAfterMs !== undefined ? { dropAfterMs } : {}),
  };
  return { kind: "watch", request };
}

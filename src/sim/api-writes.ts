import * as z from "zod";
import { jsonReply, type Reply } from "./api-reply.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  statusBody,
  unprocessablePatch,
  unsupportedMediaType,
} from "./api-status.js";
import type { ControlPlane } from "./control-plane.js";
import { applyJsonPatch, type JsonValue, PatchApplyError, PatchFormatError, sameJson } from "./json-patch.js";
import type { KubeObject } from "./kube-objects.js";
import { applyMergePatch, applyStrategicMergePatch } from "./merge-patch.js";
import { admitCreate } from "./namespace-admission.js";
import type { StoredObject } from "./object-store.js";
import { podSpecUpdateProblems, validateObject } from "./object-validation.js";
import type { DeleteOptions } from "./pod-deletion.js";
import { apiVersionOf, type ResourceType, resourceTypes } from "./resource-types.js";

/** CREATE, UPDATE (PUT), PATCH and the DeleteOptions of DELETE for any writable resource. */

export interface WriteTarget {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
}

export const patchTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
] as const;

/** Types whose spec changes bump metadata.generation. */
const generational = new Set<ResourceType>([
  resourceTypes.podDisruptionBudgets,
  resourceTypes.deployments,
  resourceTypes.replicaSets,
  resourceTypes.statefulSets,
  resourceTypes.daemonSets,
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a JSON request body; an empty body is undefined. */
export function parseBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function requireObject(type: ResourceType, body: unknown): KubeObject {
  if (!isRecord(body)) throw badRequest(`the body of the request must be a ${type.kind} object`);
  const expected = apiVersionOf(type);
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (body.kind !== undefined && body.kind !== type.kind) {
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: kind "${String(body.kind)}" does not match`,
    );
  }
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  return {
    ...body,
    apiVersion: expected,
    kind: type.kind,
    metadata: { ...metadata },
  } as unknown as KubeObject;
}

function checkNamespace(target: WriteTarget, object: KubeObject): void {
  if (!target.type.namespaced) {
    delete object.metadata.namespace;
    return;
  }
  if (object.metadata.namespace && object.metadata.namespace !== target.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  object.metadata.namespace = target.namespace ?? "";
}

function throwIfInvalid(
  type: ResourceType,
  object: KubeObject,
  extra: ReturnType<typeof validateObject> = [],
): void {
  const problems = [...extra, ...validateObject(type, object)];
  if (problems.length > 0) throw invalid(type.kind, type.group, object.metadata.name, problems);
}

/** Fields a create resets, as each type's strategy does. */
function prepareForCreate(plane: ControlPlane, type: ResourceType, object: KubeObject): void {
  if (type === resourceTypes.pods) {
    const spec = object.spec as { nodeName?: string } | undefined;
    const conditions = spec?.nodeName
      ? [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: plane.timestamp() }]
      : [];
    object.status = { phase: "Pending", conditions, qosClass: "BestEffort" };
  } else if (type === resourceTypes.podDisruptionBudgets) {
    object.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  }
}

export function createObject(plane: ControlPlane, target: WriteTarget, body: unknown): Reply {
  const { type } = target;
  const object = requireObject(type, body);
  checkNamespace(target, object);
  const meta = object.metadata;
  if (!meta.name) {
    if (!meta.generateName) {
      throw invalid(type.kind, type.group, "", [
        { field: "metadata.name", kind: "required", detail: "name or generateName is required" },
      ]);
    }
    meta.name = `${meta.generateName}${plane.names.text(5)}`;
  }
  if (type.namespaced) admitCreate(plane.store, meta.namespace ?? "", type.plural, type.group, meta.name);
  if (plane.store.get(type, meta.namespace, meta.name))
    throw alreadyExists(type.plural, type.group, meta.name);
  for (const field of [
    "resourceVersion",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
  ] as const) {
    delete meta[field];
  }
  meta.uid = plane.uid();
  meta.creationTimestamp = plane.timestamp();
  if (generational.has(type)) meta.generation = 1;
  prepareForCreate(plane, type, object);
  throwIfInvalid(type, object);
  return jsonReply(201, plane.store.create(type, object).json());
}

function specOf(object: KubeObject): string {
  return JSON.stringify(object.spec ?? null);
}

/** Stores `next` over `current` as an update does: immutable metadata and the status are kept. */
function storeUpdate(plane: ControlPlane, current: StoredObject, next: KubeObject, urlName: string): Reply {
  const { type } = current;
  if (next.metadata.name !== urlName) {
    throw badRequest(
      `the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${urlName})`,
    );
  }
  const previous = current.object;
  if (
    next.metadata.namespace !== undefined &&
    (next.metadata.namespace || undefined) !== previous.metadata.namespace
  ) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const requestedVersion = next.metadata.resourceVersion;
  if (requestedVersion && requestedVersion !== previous.metadata.resourceVersion) {
    throw conflict(
      type.plural,
      type.group,
      urlName,
      "the object has been modified; please apply your changes to the latest version and try again",
    );
  }
  const meta = next.metadata;
  const kept = previous.metadata;
  meta.namespace = kept.namespace;
  meta.uid = kept.uid;
  meta.creationTimestamp = kept.creationTimestamp;
  for (const field of ["deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
    if (kept[field] === undefined) delete meta[field];
    else (meta as unknown as Record<string, unknown>)[field] = kept[field];
  }
  if (!type.namespaced) delete meta.namespace;
  if (type.hasStatus) {
    if (previous.status === undefined) delete next.status;
    else next.status = previous.status;
  }
  if (generational.has(type) && specOf(previous) !== specOf(next))
    meta.generation = (kept.generation ?? 1) + 1;
  const extra = type === resourceTypes.pods ? podSpecUpdateProblems(previous.spec, next.spec) : [];
  throwIfInvalid(type, next, extra);
  meta.resourceVersion = kept.resourceVersion;
  if (sameJson(next as unknown as JsonValue, current.object as unknown as JsonValue))
    return jsonReply(200, current.json());
  return jsonReply(200, plane.store.replace(current, next).json());
}

function existing(plane: ControlPlane, target: WriteTarget): StoredObject {
  const stored = plane.store.get(target.type, target.namespace, target.name ?? "");
  if (!stored) throw notFound(target.type.plural, target.type.group, target.name ?? "");
  return stored;
}

export function updateObject(plane: ControlPlane, target: WriteTarget, body: unknown): Reply {
  const current = existing(plane, target);
  return storeUpdate(plane, current, requireObject(target.type, body), target.name ?? "");
}

export function patchObject(
  plane: ControlPlane,
  target: WriteTarget,
  body: Buffer,
  contentType: string,
): Reply {
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!(patchTypes as readonly string[]).includes(mediaType))
    throw unsupportedMediaType(mediaType, patchTypes);
  const current = existing(plane, target);
  const patch = parseBody(body);
  if (patch === undefined) throw badRequest("the patch body is empty");
  const document = JSON.parse(current.json()) as JsonValue;
  let patched: JsonValue;
  try {
    if (mediaType === "application/json-patch+json") patched = applyJsonPatch(document, patch);
    else if (!isRecord(patch)) throw new PatchFormatError("a merge patch must be a JSON object");
    else if (mediaType === "application/merge-patch+json")
      patched = applyMergePatch(document, patch as JsonValue);
    else patched = applyStrategicMergePatch(document, patch as JsonValue);
  } catch (error) {
    if (error instanceof PatchFormatError) throw badRequest(error.message);
    if (error instanceof PatchApplyError) throw unprocessablePatch(error.message);
    throw error;
  }
  return storeUpdate(plane, current, requireObject(target.type, patched), target.name ?? "");
}

const deleteOptionsSchema = z.looseObject({
  kind: z.literal("DeleteOptions").optional(),
  gracePeriodSeconds: z.number().int().optional(),
  preconditions: z
    .looseObject({ uid: z.string().optional(), resourceVersion: z.string().optional() })
    .nullable()
    .optional(),
  propagationPolicy: z.enum(["Orphan", "Background", "Foreground"]).optional(),
  orphanDependents: z.boolean().optional(),
  dryRun: z.array(z.string()).optional(),
});

/**
 * DeleteOptions from the body when there is one (the query is then ignored, as the server does), else
 * from the query parameters gracePeriodSeconds and dryRun.
 */
export function readDeleteOptions(body: Buffer, query: URLSearchParams): DeleteOptions {
  const parsedBody = parseBody(body);
  if (parsedBody !== undefined) {
    const parsed = deleteOptionsSchema.safeParse(parsedBody);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest(
        `invalid DeleteOptions: ${issue?.path.join(".") || "(body)"}: ${issue?.message ?? "invalid"}`,
      );
    }
    const options: DeleteOptions = { dryRun: parsed.data.dryRun?.includes("All") ?? false };
    if (parsed.data.gracePeriodSeconds !== undefined)
      options.gracePeriodSeconds = parsed.data.gracePeriodSeconds;
    const preconditions = parsed.data.preconditions;
    if (preconditions) {
      options.preconditions = {};
      if (preconditions.uid) options.preconditions.uid = preconditions.uid;
      if (preconditions.resourceVersion)
        options.preconditions.resourceVersion = preconditions.resourceVersion;
    }
    return options;
  }
  const options: DeleteOptions = { dryRun: query.get("dryRun") === "All" };
  const grace = query.get("gracePeriodSeconds");
  if (grace !== null && grace !== "") {
    const value = Number(grace);
    if (!Number.isInteger(value))
      throw badRequest(`invalid gracePeriodSeconds: "${grace}" is not an integer`);
    options.gracePeriodSeconds = value;
  }
  return options;
}

/** The Status a DELETE of a non-pod object answers. */
export function deletedStatus(stored: StoredObject): Reply {
  const details: Record<string, string> = {
    name: stored.object.metadata.name,
    kind: stored.type.plural,
    uid: stored.object.metadata.uid ?? "",
  };
  if (stored.type.group) details.group = stored.type.group;
  return jsonReply(200, JSON.stringify({ ...statusBody(200, undefined), details }));
}

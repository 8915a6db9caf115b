import { type JsonValue, PatchFormatError } from "./json-patch.js";

/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`) and strategic merge patch
 * (`application/strategic-merge-patch+json`) for the fields the simulated resources carry.
 */

type JsonObject = { [key: string]: JsonValue };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function applyMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key] ?? null, value);
  }
  return result;
}

/**
 * Lists that merge element by element under a strategic merge patch, by their path (`[]` marks a list
 * level), with the key that identifies an element; `null` marks a merged list of plain values.
 */
const mergeKeys: Readonly<Record<string, string | null>> = {
  "metadata.ownerReferences": "uid",
  "metadata.finalizers": null,
  "spec.containers": "name",
  "spec.initContainers": "name",
  "spec.ephemeralContainers": "name",
  "spec.containers[].env": "name",
  "spec.containers[].ports": "containerPort",
  "spec.containers[].volumeMounts": "mountPath",
  "spec.volumes": "name",
  "spec.imagePullSecrets": "name",
  "status.conditions": "type",
  "status.addresses": "type",
};

const directive = "$patch";
const deletePrimitivePrefix = "$deleteFromPrimitiveList/";
const ignoredPrefixes = ["$setElementOrder/", "$retainKeys"];

function mergeList(path: string, target: JsonValue | undefined, patch: JsonValue[]): JsonValue {
  const key = mergeKeys[path];
  if (key === undefined || !Array.isArray(target)) {
    return patch
      .filter((item) => !(isObject(item) && item[directive] !== undefined))
      .map((item) => structuredClone(item));
  }
  if (key === null) {
    const merged = [...target];
    for (const item of patch) if (!merged.some((existing) => existing === item)) merged.push(item);
    return merged;
  }
  if (patch.some((item) => isObject(item) && item[directive] === "replace")) {
    return patch
      .filter((item) => !(isObject(item) && item[directive] === "replace"))
      .map((item) => structuredClone(item));
  }
  const result: JsonValue[] = [...target];
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined) {
      throw new PatchFormatError(`strategic merge patch: an element of ${path} lacks its merge key "${key}"`);
    }
    const index = result.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item[directive] === "delete") {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMerge(`${path}[]`, result[index] ?? null, item);
    else result.push(strategicMerge(`${path}[]`, null, item));
  }
  return result;
}

function strategicMerge(path: string, target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch[directive] === "delete") return null;
  const replaceWhole = patch[directive] === "replace";
  const result: JsonObject = isObject(target) && !replaceWhole ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === directive || ignoredPrefixes.some((prefix) => key.startsWith(prefix))) continue;
    const childPath = path === "" ? key : `${path}.${key}`;
    if (key.startsWith(deletePrimitivePrefix)) {
      const field = key.slice(deletePrimitivePrefix.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((item) => !value.includes(item));
      }
      continue;
    }
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(childPath, result[key], value);
    else if (isObject(value)) {
      const merged = strategicMerge(childPath, result[key] ?? null, value);
      if (merged === null) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  return result;
}

/** Strategic merge patch: a merge patch whose known lists merge by key and which honours `$patch` directives. */
export function applyStrategicMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) throw new PatchFormatError("a strategic merge patch must be a JSON object");
  return strategicMerge("", target, patch) ?? {};
}

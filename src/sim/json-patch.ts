/** RFC 6902 JSON Patch over plain JSON values, as `application/json-patch+json` requests carry it. */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The patch document itself is malformed: the server answers 400. */
export class PatchFormatError extends Error {
  override readonly name = "PatchFormatError";
}

/** The patch is well formed but does not apply to this object: the server answers 422. */
export class PatchApplyError extends Error {
  override readonly name = "PatchApplyError";
}

interface Operation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  from?: string;
  value?: JsonValue;
}

const operations = new Set(["add", "remove", "replace", "move", "copy", "test"]);

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw new PatchFormatError("a JSON patch must be an array of operations");
  return patch.map((entry, index) => {
    if (!isObject(entry)) throw new PatchFormatError(`operation ${index} is not an object`);
    const { op, path, from } = entry;
    if (typeof op !== "string" || !operations.has(op)) {
      throw new PatchFormatError(`operation ${index}: unknown op ${JSON.stringify(op ?? null)}`);
    }
    if (typeof path !== "string") throw new PatchFormatError(`operation ${index} (${op}): missing "path"`);
    if ((op === "move" || op === "copy") && typeof from !== "string") {
      throw new PatchFormatError(`operation ${index} (${op}): missing "from"`);
    }
    if ((op === "add" || op === "replace" || op === "test") && !("value" in entry)) {
      throw new PatchFormatError(`operation ${index} (${op}): missing "value"`);
    }
    const operation: Operation = { op: op as Operation["op"], path };
    if (typeof from === "string") operation.from = from;
    if ("value" in entry) operation.value = entry.value as JsonValue;
    return operation;
  });
}

function tokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchApplyError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, pointer: string): number {
  if (allowEnd && token === "-") return length;
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw new PatchApplyError(`invalid array index "${token}" in "${pointer}"`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) {
    throw new PatchApplyError(`array index ${index} out of bounds in "${pointer}"`);
  }
  return index;
}

/** The container holding the last token of `pointer`, and that token. */
function parentOf(document: JsonValue, pointer: string): { parent: JsonValue; last: string } {
  const path = tokens(pointer);
  const last = path.pop();
  if (last === undefined) throw new PatchApplyError("the root cannot be the target of this operation");
  let current: JsonValue = document;
  for (const token of path) {
    if (Array.isArray(current)) {
      const next: JsonValue | undefined = current[arrayIndex(token, current.length, false, pointer)];
      if (next === undefined) throw new PatchApplyError(`doc is missing path: "${pointer}"`);
      current = next;
    } else if (isObject(current) && Object.hasOwn(current, token)) {
      current = current[token] as JsonValue;
    } else {
      throw new PatchApplyError(`doc is missing path: "${pointer}"`);
    }
  }
  return { parent: current, last };
}

function getAt(document: JsonValue, pointer: string): JsonValue {
  if (pointer === "") return document;
  const { parent, last } = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    const value = parent[arrayIndex(last, parent.length, false, pointer)];
    if (value === undefined) throw new PatchApplyError(`doc is missing path: "${pointer}"`);
    return value;
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) return parent[last] as JsonValue;
  throw new PatchApplyError(`doc is missing path: "${pointer}"`);
}

function addAt(document: JsonValue, pointer: string, value: JsonValue): JsonValue {
  if (pointer === "") return value;
  const { parent, last } = parentOf(document, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, pointer), 0, value);
  else if (isObject(parent)) parent[last] = value;
  else throw new PatchApplyError(`cannot add at "${pointer}": the parent is not an object or array`);
  return document;
}

function removeAt(document: JsonValue, pointer: string): JsonValue {
  const { parent, last } = parentOf(document, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false, pointer), 1);
  else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else throw new PatchApplyError(`remove operation does not apply: doc is missing path: "${pointer}"`);
  return document;
}

function replaceAt(document: JsonValue, pointer: string, value: JsonValue): JsonValue {
  if (pointer === "") return value;
  const { parent, last } = parentOf(document, pointer);
  if (Array.isArray(parent)) parent[arrayIndex(last, parent.length, false, pointer)] = value;
  else if (isObject(parent) && Object.hasOwn(parent, last)) parent[last] = value;
  else throw new PatchApplyError(`replace operation does not apply: doc is missing key: "${pointer}"`);
  return document;
}

/** Deep equality of JSON values, ignoring key order. */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJson(item, b[i] ?? null))
    );
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key] ?? null, b[key] ?? null))
    );
  }
  return false;
}

/** Applies the operations to a copy of `document`; throws PatchFormatError or PatchApplyError. */
export function applyJsonPatch(document: JsonValue, patch: unknown): JsonValue {
  let result = structuredClone(document);
  for (const operation of readOperations(patch)) {
    const value = operation.value ?? null;
    switch (operation.op) {
      case "add":
        result = addAt(result, operation.path, structuredClone(value));
        break;
      case "remove":
        result = removeAt(result, operation.path);
        break;
      case "replace":
        result = replaceAt(result, operation.path, structuredClone(value));
        break;
      case "move": {
        const moved = getAt(result, operation.from ?? "");
        result = removeAt(result, operation.from ?? "");
        result = addAt(result, operation.path, moved);
        break;
      }
      case "copy":
        result = addAt(result, operation.path, structuredClone(getAt(result, operation.from ?? "")));
        break;
      case "test":
        if (!sameJson(getAt(result, operation.path), value)) {
          throw new PatchApplyError(`testing value ${operation.path} failed`);
        }
        break;
    }
  }
  return result;
}

import type { KubeObject } from "./kube-objects.js";
import { fieldReader, type ResourceType } from "./resource-types.js";

export interface FieldRequirement {
  key: string;
  equals: boolean;
  value: string;
  read: (object: KubeObject) => string | undefined;
}

export class FieldSelectorError extends Error {
  override readonly name = "FieldSelectorError";
}

/** Parses `spec.nodeName=X,status.phase!=Succeeded` against the fields the resource supports. */
export function parseFieldSelector(type: ResourceType, text: string): FieldRequirement[] {
  if (text.trim() === "") return [];
  return text.split(",").map((term) => {
    const match = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!match) throw new FieldSelectorError(`invalid field selector: "${term}" has no operator`);
    const [, key = "", operator, value = ""] = match;
    const read = fieldReader(type, key);
    if (!read) throw new FieldSelectorError(`field label not supported: ${key}`);
    return { key, equals: operator !== "!=", value, read };
  });
}

export function matchesFields(requirements: readonly FieldRequirement[], object: KubeObject): boolean {
  for (const requirement of requirements) {
    const actual = requirement.read(object) ?? "";
    if ((actual === requirement.value) !== requirement.equals) return false;
  }
  return true;
}

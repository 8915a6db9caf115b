import type { V1LabelSelector } from "@kubernetes/client-node";

/** One requirement of a label selector, in the structured form the API uses. */
export interface LabelRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values: string[];
}

export type Labels = Record<string, string> | undefined;

export class LabelSelectorError extends Error {
  override readonly name = "LabelSelectorError";
}

const keyPattern = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const valuePattern = /^(([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?)$/;

/**
 * Parses the string form of a label selector, as kubectl's `--selector`/`--pod-selector`:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated (AND).
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const clause = part.trim();
    if (clause === "") {
      throw new LabelSelectorError(`label selector "${text}": empty requirement`);
    }
    requirements.push(parseClause(clause, text));
  }
  return requirements;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return text.trim() === "" ? [] : parts;
}

function parseClause(clause: string, whole: string): LabelRequirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(clause);
  if (setMatch) {
    const [, key = "", op, list = ""] = setMatch;
    const values = list
      .split(",")
      .map((value) => value.trim())
      .filter((value) => value !== "");
    for (const value of values) checkValue(value, whole);
    return { key: checkKey(key, whole), operator: op === "in" ? "In" : "NotIn", values };
  }
  const equality = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(clause);
  if (equality) {
    const [, key = "", op, value = ""] = equality;
    checkValue(value, whole);
    return { key: checkKey(key, whole), operator: op === "!=" ? "NotIn" : "In", values: [value] };
  }
  if (clause.startsWith("!")) {
    return { key: checkKey(clause.slice(1).trim(), whole), operator: "DoesNotExist", values: [] };
  }
  return { key: checkKey(clause, whole), operator: "Exists", values: [] };
}

function checkKey(key: string, whole: string): string {
  if (!keyPattern.test(key)) {
    throw new LabelSelectorError(`label selector "${whole}": invalid label key "${key}"`);
  }
  return key;
}

function checkValue(value: string, whole: string): void {
  if (value.length > 63 || !valuePattern.test(value)) {
    throw new LabelSelectorError(`label selector "${whole}": invalid label value "${value}"`);
  }
}

export function matchesRequirements(requirements: readonly LabelRequirement[], labels: Labels): boolean {
  return requirements.every((requirement) => matchesRequirement(requirement, labels ?? {}));
}

function matchesRequirement(requirement: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case "In":
      return has && value !== undefined && requirement.values.includes(value);
    case "NotIn":
      return !has || value === undefined || !requirement.values.includes(value);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
  }
}

/**
 * Whether a PodDisruptionBudget's structured selector selects these labels. An absent or empty selector
 * selects nothing, as the eviction subresource decides it.
 */
export function budgetSelectorMatches(selector: V1LabelSelector | undefined, labels: Labels): boolean {
  const requirements = budgetSelectorRequirements(selector);
  if (requirements.length === 0) return false;
  return matchesRequirements(requirements, labels);
}

/** A budget's selector as requirements; none (matching nothing) when it is absent or empty. */
export function budgetSelectorRequirements(selector: V1LabelSelector | undefined): LabelRequirement[] {
  return selector === undefined ? [] : structuredRequirements(selector);
}

function structuredRequirements(selector: V1LabelSelector): LabelRequirement[] {
  const fromLabels: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: "In",
    values: [value],
  }));
  const fromExpressions: LabelRequirement[] = (selector.matchExpressions ?? []).map((expression) => ({
    key: expression.key,
    operator: normalizeOperator(expression.operator),
    values: expression.values ?? [],
  }));
  return [...fromLabels, ...fromExpressions];
}

function normalizeOperator(operator: string): LabelRequirement["operator"] {
  switch (operator) {
    case "In":
    case "NotIn":
    case "Exists":
    case "DoesNotExist":
      return operator;
    default:
      // An operator the API server would have rejected: select nothing rather than everything.
      return "In";
  }
}

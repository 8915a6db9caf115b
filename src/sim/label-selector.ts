import type { LabelSelector } from "./kube-objects.js";

/** One requirement of a label selector, in either of its two written forms. */
export interface LabelRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  values: string[];
}

export class SelectorSyntaxError extends Error {
  override readonly name = "SelectorSyntaxError";
}

const keyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, source: string): string {
  if (!keyPattern.test(key) || key.length > 317) {
    throw new SelectorSyntaxError(`unable to parse requirement: invalid label key "${key}" in "${source}"`);
  }
  return key;
}

function checkValue(value: string, source: string): string {
  if (!valuePattern.test(value) || value.length > 63) {
    throw new SelectorSyntaxError(
      `unable to parse requirement: invalid label value "${value}" in "${source}"`,
    );
  }
  return value;
}

/** Splits on commas that are not inside a parenthesised value set. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "," && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((term) => term.trim());
}

function parseTerm(term: string): LabelRequirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const [, key = "", operator, list = ""] = setMatch;
    const values = list
      .split(",")
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
    if (values.length === 0) {
      throw new SelectorSyntaxError(`unable to parse requirement: "${term}": a value set must not be empty`);
    }
    return {
      key: checkKey(key, term),
      operator: operator === "in" ? "In" : "NotIn",
      values: values.map((value) => checkValue(value, term)),
    };
  }
  const comparison = /^([^!=<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(term);
  if (comparison) {
    const [, key = "", operator, value = ""] = comparison;
    if (operator === "<" || operator === ">") {
      if (!/^-?\d+$/.test(value)) {
        throw new SelectorSyntaxError(`unable to parse requirement: "${term}": ${operator} needs an integer`);
      }
      return { key: checkKey(key, term), operator: operator === "<" ? "Lt" : "Gt", values: [value] };
    }
    return {
      key: checkKey(key, term),
      operator: operator === "!=" ? "NotIn" : "In",
      values: [checkValue(value.trim(), term)],
    };
  }
  if (term.startsWith("!"))
    return { key: checkKey(term.slice(1).trim(), term), operator: "DoesNotExist", values: [] };
  return { key: checkKey(term, term), operator: "Exists", values: [] };
}

/** Parses `app=web,tier!=db,env in (a,b),!legacy,ready`; an empty text selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  if (text.trim() === "") return [];
  return splitTerms(text).map((term) => {
    if (term === "") throw new SelectorSyntaxError(`unable to parse requirement: empty term in "${text}"`);
    return parseTerm(term);
  });
}

/** The requirements of a LabelSelector object; undefined for a nil selector. */
export function requirementsOf(selector: LabelSelector | undefined): LabelRequirement[] | undefined {
  if (!selector) return undefined;
  const requirements: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: "In",
    values: [value],
  }));
  for (const expression of selector.matchExpressions ?? []) {
    requirements.push({
      key: expression.key,
      operator: expression.operator,
      values: expression.values ?? [],
    });
  }
  return requirements;
}

export function matchesRequirements(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const set = labels ?? {};
  for (const requirement of requirements) {
    const present = Object.hasOwn(set, requirement.key);
    const value = set[requirement.key];
    switch (requirement.operator) {
      case "In":
        if (!present || !requirement.values.includes(value ?? "")) return false;
        break;
      case "NotIn":
        if (present && requirement.values.includes(value ?? "")) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
      case "Gt":
      case "Lt": {
        const actual = Number(value);
        const bound = Number(requirement.values[0]);
        if (!present || !Number.isInteger(actual)) return false;
        if (requirement.operator === "Gt" ? !(actual > bound) : !(actual < bound)) return false;
        break;
      }
    }
  }
  return true;
}

/**
 * Whether a budget's selector picks these labels. In policy/v1 a missing (null) selector matches no pod and an
 * empty one (`{}`) matches every pod of the namespace (policy/v1beta1 matched nothing for both).
 */
export function budgetSelects(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
) {
  const requirements = requirementsOf(selector);
  if (!requirements) return false;
  return matchesRequirements(requirements, labels);
}

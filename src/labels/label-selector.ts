/**
 * Label selectors as the Kubernetes API server reads them: the written form (`app=web,tier in (a,b),!legacy`,
 * k8s.io/apimachinery/pkg/labels/selector.go) and the structured form of a PodDisruptionBudget
 * (`matchLabels` + `matchExpressions`, metav1.LabelSelectorAsSelector). The one implementation for the
 * drainer (its `--pod-selector` and the budgets that gate an eviction) and for the simulated API server
 * (list and watch `labelSelector`, the eviction subresource, the disruption controller). It imports nothing.
 *
 * A nil and an empty structured selector differ, and where they are read decides what they mean:
 * - metav1.LabelSelectorAsSelector turns nil into labels.Nothing() and `{}` into labels.Everything()
 *   (https://github.com/kubernetes/apimachinery/blob/v0.33.2/pkg/apis/meta/v1/helpers.go#L36-L43);
 * - the eviction subresource skips a budget whose selector is nil, empty or invalid: "If a PDB with a nil or
 *   empty selector creeps in, it should match nothing, not everything"
 *   (https://github.com/kubernetes/kubernetes/blob/01aa0f3f6052c9866dcb69054d8924fa8c96e3cb/pkg/registry/core/pod/storage/eviction.go#L385-L393);
 * - the disruption controller lists a budget's pods with that selector as it is, so `{}` counts every pod of
 *   the namespace in the budget's status and nil counts none (getPodsForPdb in
 *   https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/disruption/disruption.go).
 */

/** One requirement, in the structured form the API uses. Gt and Lt exist in the written form only. */
export interface LabelRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  values: string[];
}

/** A structured selector (metav1.LabelSelector), as a PodDisruptionBudget's `spec.selector` holds it. */
export interface StructuredSelector {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?: { key: string; operator: string; values?: string[] | undefined }[] | undefined;
}

export type Labels = Readonly<Record<string, string>> | undefined;

export class LabelSelectorError extends Error {
  override readonly name = "LabelSelectorError";
}

// A qualified name: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters
// (k8s.io/apimachinery/pkg/util/validation IsQualifiedName); a value is at most 63 characters (IsValidLabelValue).
const keyPattern = /^(?:([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)\/)?([A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const valuePattern = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** The selector an error names: its text, or (computed only on error) a structured one as JSON. */
type Whole = string | StructuredSelector;

function described(whole: Whole): string {
  return typeof whole === "string" ? `"${whole}"` : JSON.stringify(whole);
}

function checkKey(key: string, whole: Whole): string {
  const match = keyPattern.exec(key);
  if (!match || (match[1]?.length ?? 0) > 253 || (match[2]?.length ?? 0) > 63) {
    throw new LabelSelectorError(
      `unable to parse requirement: invalid label key "${key}" in ${described(whole)}`,
    );
  }
  return key;
}

function checkValue(value: string, whole: Whole): string {
  if (value.length > 63 || !valuePattern.test(value)) {
    throw new LabelSelectorError(
      `unable to parse requirement: invalid label value "${value}" in ${described(whole)}`,
    );
  }
  return value;
}

/** Splits on commas outside a parenthesised value set. */
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

function parseTerm(term: string, whole: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) {
    const [, key = "", operator, list = ""] = set;
    const values = list
      .split(",")
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
    if (values.length === 0) {
      // labels.NewRequirement: "for 'in', 'notin' operators, values set can't be empty".
      throw new LabelSelectorError(`unable to parse requirement: "${term}" in "${whole}": empty value set`);
    }
    return {
      key: checkKey(key, whole),
      operator: operator === "in" ? "In" : "NotIn",
      values: values.map((value) => checkValue(value, whole)),
    };
  }
  const comparison = /^([^!=<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(term);
  if (comparison) {
    const [, key = "", operator, value = ""] = comparison;
    if (operator === "<" || operator === ">") {
      if (!/^-?\d+$/.test(value)) {
        throw new LabelSelectorError(
          `unable to parse requirement: "${term}" in "${whole}": ${operator} needs an integer`,
        );
      }
      return { key: checkKey(key, whole), operator: operator === "<" ? "Lt" : "Gt", values: [value] };
    }
    return {
      key: checkKey(key, whole),
      operator: operator === "!=" ? "NotIn" : "In",
      values: [checkValue(value.trim(), whole)],
    };
  }
  if (term.startsWith("!")) {
    return { key: checkKey(term.slice(1).trim(), whole), operator: "DoesNotExist", values: [] };
  }
  return { key: checkKey(term, whole), operator: "Exists", values: [] };
}

/**
 * Parses the written form, as `kubectl --selector` and a list's `labelSelector` take it: `a=b`, `a==b`,
 * `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-separated (all must hold). An empty
 * text selects everything.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  if (text.trim() === "") return [];
  return splitTerms(text).map((term) => {
    if (term === "") throw new LabelSelectorError(`unable to parse requirement: empty term in "${text}"`);
    return parseTerm(term, text);
  });
}

/** Whether every requirement holds for the labels (no requirement: every set of labels). */
export function matchesRequirements(requirements: readonly LabelRequirement[], labels: Labels): boolean {
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

const structuredOperators = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/**
 * metav1.LabelSelectorAsSelector: `null` for a nil selector (labels.Nothing(): selects nothing), `[]` for an
 * empty one (labels.Everything()), else its requirements. Throws LabelSelectorError for what the API would
 * refuse (an unknown operator, a set operator without values, a bad key or value).
 */
export function structuredRequirements(
  selector: StructuredSelector | undefined | null,
): LabelRequirement[] | null {
  if (selector === undefined || selector === null) return null;
  const whole = selector;
  const requirements: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key: checkKey(key, whole),
    operator: "In",
    values: [checkValue(value, whole)],
  }));
  for (const expression of selector.matchExpressions ?? []) {
    const operator = expression.operator;
    if (!structuredOperators.has(operator)) {
      throw new LabelSelectorError(
        `"${operator}" is not a valid label selector operator in ${described(whole)}`,
      );
    }
    const values = expression.values ?? [];
    if ((operator === "In" || operator === "NotIn") === (values.length === 0)) {
      throw new LabelSelectorError(
        `operator ${operator} with values ${JSON.stringify(values)} in ${described(whole)}`,
      );
    }
    requirements.push({
      key: checkKey(expression.key, whole),
      operator: operator as LabelRequirement["operator"],
      values: values.map((value) => checkValue(value, whole)),
    });
  }
  return requirements;
}

/**
 * The requirements by which the eviction subresource decides whether a budget covers a pod; `null` when it
 * covers none: a nil, empty or invalid selector (eviction.go, linked above).
 */
export function evictionBudgetRequirements(
  selector: StructuredSelector | undefined | null,
): LabelRequirement[] | null {
  try {
    const requirements = structuredRequirements(selector);
    return requirements === null || requirements.length === 0 ? null : requirements;
  } catch (error) {
    if (error instanceof LabelSelectorError) return null;
    throw error;
  }
}

/** Whether the eviction subresource counts this budget for a pod with these labels. */
export function evictionBudgetSelects(
  selector: StructuredSelector | undefined | null,
  labels: Labels,
): boolean {
  const requirements = evictionBudgetRequirements(selector);
  return requirements !== null && matchesRequirements(requirements, labels);
}

/**
 * Whether the disruption controller counts a pod with these labels in the budget's status: an empty selector
 * counts every pod of the namespace, a nil or invalid one none (disruption.go, linked above).
 */
export function budgetStatusSelects(
  selector: StructuredSelector | undefined | null,
  labels: Labels,
): boolean {
  try {
    const requirements = structuredRequirements(selector);
    return requirements !== null && matchesRequirements(requirements, labels);
  } catch (error) {
    if (error instanceof LabelSelectorError) return false;
    throw error;
  }
}

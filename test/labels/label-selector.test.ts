import { describe, expect, it } from "vitest";
import {
  budgetStatusSelects,
  evictionBudgetSelects,
  LabelSelectorError,
  matchesRequirements,
  parseLabelSelector,
  structuredRequirements,
} from "../../src/labels/label-selector.js";

describe("parseLabelSelector", () => {
  it.each([
    ["app=web", { app: "web" }, true],
    ["app==web", { app: "web" }, true],
    ["app=web", { app: "db" }, false],
    ["app!=web", { app: "db" }, true],
    ["app!=web", {}, true],
    ["tier in (a, b)", { tier: "b" }, true],
    ["tier notin (a,b)", { tier: "b" }, false],
    ["tier notin (a,b)", {}, true],
    ["gpu", { gpu: "" }, true],
    ["!gpu", { gpu: "x" }, false],
    ["app=web,tier in (front),!legacy", { app: "web", tier: "front" }, true],
    ["", { anything: "x" }, true],
  ])("%s on %j → %s", (text, labels, expected) => {
    expect(matchesRequirements(parseLabelSelector(text), labels)).toBe(expected);
  });

  it("reads an empty value after = as the empty string", () => {
    expect(matchesRequirements(parseLabelSelector("app="), { app: "" })).toBe(true);
  });

  it.each(["a b c", "app=web,", "bad key=x", "app=not valid!"])(
    "rejects %j with the selector in the message",
    (text) => {
      expect(() => parseLabelSelector(text)).toThrow(LabelSelectorError);
      expect(() => parseLabelSelector(text)).toThrow(text);
    },
  );
});

describe("a budget's structured selector", () => {
  const labels = { app: "web", tier: "front" };

  it.each([evictionBudgetSelects, budgetStatusSelects])(
    "%o matches labels and expressions together",
    (selects) => {
      const selector = {
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "track", operator: "In", values: ["stable"] }],
      };
      expect(selects(selector, { app: "web", track: "stable" })).toBe(true);
      expect(selects(selector, { app: "web", track: "canary" })).toBe(false);
    },
  );

  // eviction.go: "If a PDB with a nil or empty selector creeps in, it should match nothing, not everything."
  it("covers no pod for the eviction subresource when it is missing, empty or invalid", () => {
    expect(evictionBudgetSelects({}, labels)).toBe(false);
    expect(evictionBudgetSelects(undefined, labels)).toBe(false);
    expect(
      evictionBudgetSelects(
        { matchExpressions: [{ key: "app", operator: "Equals", values: ["web"] }] },
        labels,
      ),
    ).toBe(false);
  });

  // disruption.go lists the budget's pods with metav1.LabelSelectorAsSelector: {} is labels.Everything().
  it("counts every pod of the namespace in the budget's status when empty, none when missing", () => {
    expect(budgetStatusSelects({}, labels)).toBe(true);
    expect(budgetStatusSelects(undefined, labels)).toBe(false);
    expect(budgetStatusSelects({ matchLabels: { app: "api" } }, labels)).toBe(false);
    expect(
      budgetStatusSelects({ matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] }, labels),
    ).toBe(true);
  });

  it("reads nil as nothing and {} as everything, as metav1.LabelSelectorAsSelector", () => {
    expect(structuredRequirements(undefined)).toBeNull();
    expect(structuredRequirements({})).toEqual([]);
    expect(structuredRequirements({ matchLabels: {}, matchExpressions: [] })).toEqual([]);
  });

  it.each([
    [{ matchExpressions: [{ key: "app", operator: "Equals", values: ["web"] }] }, "Equals"],
    [{ matchExpressions: [{ key: "app", operator: "In", values: [] }] }, "operator In"],
    [{ matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] }, "operator Exists"],
    [{ matchLabels: { "bad key": "x" } }, "bad key"],
  ])("refuses %j, naming what is wrong", (selector, named) => {
    expect(() => structuredRequirements(selector)).toThrow(LabelSelectorError);
    expect(() => structuredRequirements(selector)).toThrow(named);
  });
});

import { describe, expect, it } from "vitest";
import {
  budgetSelectorMatches,
  LabelSelectorError,
  matchesRequirements,
  parseLabelSelector,
} from "../../src/drain/label-selector.js";

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

describe("budgetSelectorMatches", () => {
  it("matches labels and expressions together", () => {
    const selector = {
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "track", operator: "In", values: ["stable"] }],
    };
    expect(budgetSelectorMatches(selector, { app: "web", track: "stable" })).toBe(true);
    expect(budgetSelectorMatches(selector, { app: "web", track: "canary" })).toBe(false);
  });

  it("selects nothing with an empty or missing selector, as the eviction subresource", () => {
    expect(budgetSelectorMatches({}, { app: "web" })).toBe(false);
    expect(budgetSelectorMatches(undefined, { app: "web" })).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import {
  budgetStatusSelects,
  LabelSelectorError,
  matchesRequirements,
  parseLabelSelector,
} from "../../src/labels/label-selector.js";
import { applyJsonPatch, PatchApplyError, PatchFormatError } from "../../src/sim/json-patch.js";
import { applyMergePatch, applyStrategicMergePatch } from "../../src/sim/merge-patch.js";

describe("label selectors", () => {
  const labels = { app: "web", tier: "front", version: "7" };

  it.each([
    ["app=web", true],
    ["app==web,tier=front", true],
    ["app!=web", false],
    ["app in (web, api)", true],
    ["tier notin (front)", false],
    ["version>5", true],
    ["version<5", false],
    ["app", true],
    ["!legacy", true],
    ["!app", false],
    ["", true],
  ])("%s matches: %s", (selector, expected) => {
    expect(matchesRequirements(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(["=web", "app in ()", "app in (a b)x", "app=bad value", "app,,tier"])("rejects %j", (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });

  it("accepts an empty value, which is a valid label value", () => {
    expect(matchesRequirements(parseLabelSelector("app="), { app: "" })).toBe(true);
    expect(matchesRequirements(parseLabelSelector("app="), { app: "web" })).toBe(false);
  });

  it("lets a budget's status count no pod for a missing selector and every pod for an empty one", () => {
    expect(budgetStatusSelects(undefined, labels)).toBe(false);
    expect(budgetStatusSelects({}, labels)).toBe(true);
    expect(
      budgetStatusSelects({ matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] }, labels),
    ).toBe(true);
    expect(budgetStatusSelects({ matchLabels: { app: "api" } }, labels)).toBe(false);
  });
});

describe("JSON patch", () => {
  const node = {
    metadata: { name: "n", labels: { a: "1" } },
    spec: { taints: [{ key: "x", effect: "NoSchedule" }] },
  };

  it("applies add, replace, remove, move, copy and test in order", () => {
    const result = applyJsonPatch(node, [
      { op: "add", path: "/spec/unschedulable", value: true },
      { op: "add", path: "/spec/taints/-", value: { key: "y", effect: "NoExecute" } },
      { op: "replace", path: "/metadata/labels/a", value: "2" },
      { op: "copy", from: "/metadata/labels/a", path: "/metadata/labels/b" },
      { op: "move", from: "/metadata/labels/b", path: "/metadata/labels/c~1d" },
      { op: "remove", path: "/spec/taints/0" },
      { op: "test", path: "/metadata/labels", value: { "c/d": "2", a: "2" } },
    ]);
    expect(result).toEqual({
      metadata: { name: "n", labels: { a: "2", "c/d": "2" } },
      spec: { taints: [{ key: "y", effect: "NoExecute" }], unschedulable: true },
    });
    expect(node.metadata.labels).toEqual({ a: "1" });
  });

  it("tells a malformed patch (400) from one that does not apply (422)", () => {
    expect(() => applyJsonPatch(node, { op: "add" })).toThrow(PatchFormatError);
    expect(() => applyJsonPatch(node, [{ op: "frobnicate", path: "/a" }])).toThrow(PatchFormatError);
    expect(() => applyJsonPatch(node, [{ op: "remove", path: "/spec/missing" }])).toThrow(PatchApplyError);
    expect(() => applyJsonPatch(node, [{ op: "test", path: "/metadata/name", value: "m" }])).toThrow(
      PatchApplyError,
    );
    expect(() => applyJsonPatch(node, [{ op: "add", path: "/spec/taints/5", value: {} }])).toThrow(
      PatchApplyError,
    );
  });
});

describe("merge patches", () => {
  const pod = {
    metadata: { labels: { a: "1", b: "2" }, finalizers: ["x"] },
    spec: {
      containers: [
        { name: "app", image: "app:1" },
        { name: "side", image: "side:1" },
      ],
      tolerations: [{ key: "t" }],
    },
    status: {
      conditions: [
        { type: "Ready", status: "True" },
        { type: "PodScheduled", status: "True" },
      ],
    },
  };

  it("merges maps, deletes on null and replaces lists (RFC 7386)", () => {
    expect(
      applyMergePatch(pod, { metadata: { labels: { a: null, c: "3" } }, spec: { tolerations: [] } }),
    ).toEqual({
      ...pod,
      metadata: { labels: { b: "2", c: "3" }, finalizers: ["x"] },
      spec: { ...pod.spec, tolerations: [] },
    });
  });

  it("merges keyed lists by their key and honours $patch directives (strategic)", () => {
    const result = applyStrategicMergePatch(pod, {
      metadata: { finalizers: ["y"] },
      spec: {
        containers: [
          { name: "app", image: "app:2" },
          { name: "side", $patch: "delete" },
        ],
        tolerations: [{ key: "u" }],
      },
      status: { conditions: [{ type: "DisruptionTarget", status: "True" }] },
    });
    expect(result).toEqual({
      metadata: { labels: { a: "1", b: "2" }, finalizers: ["x", "y"] },
      spec: { containers: [{ name: "app", image: "app:2" }], tolerations: [{ key: "u" }] },
      status: {
        conditions: [
          { type: "Ready", status: "True" },
          { type: "PodScheduled", status: "True" },
          { type: "DisruptionTarget", status: "True" },
        ],
      },
    });
  });

  it("rejects a strategic merge patch that is not an object", () => {
    expect(() => applyStrategicMergePatch(pod, [1, 2])).toThrow(PatchFormatError);
  });
});

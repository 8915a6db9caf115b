import { describe, expect, it } from "vitest";
import { computeBudgetStatus, disruptedPodTimeoutMs, type ScaleLookup } from "../../src/sim/budget-status.js";
import { formatTime } from "../../src/sim/control-plane.js";
import type { IntOrString, Pod, PodDisruptionBudget } from "../../src/sim/index.js";

/** The disruption controller's arithmetic, as pure functions over pods and a budget. */

const now = Date.parse("2026-11-24T10:00:00Z");

function pod(
  name: string,
  options: { ready?: boolean; terminating?: boolean; owner?: string; ownerKind?: string } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "shop",
      labels: { app: "web" },
      ...(options.terminating ? { deletionTimestamp: formatTime(now) } : {}),
      ...(options.owner === undefined
        ? {
            ownerReferences: [
              {
                apiVersion: "apps/v1",
                kind: options.ownerKind ?? "ReplicaSet",
                name: "web-1",
                uid: "rs-1",
                controller: true,
              },
            ],
          }
        : options.owner === ""
          ? {}
          : {
              ownerReferences: [
                {
                  apiVersion: "apps/v1",
                  kind: options.ownerKind ?? "ReplicaSet",
                  name: options.owner,
                  uid: options.owner,
                  controller: true,
                },
              ],
            }),
    },
    spec: { containers: [{ name: "web", image: "web" }] },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True" }],
    },
  };
}

function budget(
  rules: { minAvailable?: IntOrString; maxUnavailable?: IntOrString },
  disruptedPods?: Record<string, string>,
): PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "web", namespace: "shop", generation: 3 },
    spec: { selector: { matchLabels: { app: "web" } }, ...rules },
    status: {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      observedGeneration: 2,
      ...(disruptedPods ? { disruptedPods } : {}),
    },
  };
}

const replicas =
  (count: number): ScaleLookup =>
  (owner) =>
    owner.kind === "ReplicaSet" || owner.kind === "StatefulSet"
      ? { uid: owner.uid, replicas: count }
      : undefined;

const five = ["a", "b", "c", "d", "e"].map((name) => pod(name));

describe("budget status", () => {
  it.each([
    {
      rules: { minAvailable: 3 },
      expected: { expectedPods: 5, desiredHealthy: 3, currentHealthy: 5, disruptionsAllowed: 2 },
    },
    {
      rules: { minAvailable: "50%" },
      expected: { expectedPods: 5, desiredHealthy: 3, currentHealthy: 5, disruptionsAllowed: 2 },
    },
    {
      rules: { minAvailable: "100%" },
      expected: { expectedPods: 5, desiredHealthy: 5, currentHealthy: 5, disruptionsAllowed: 0 },
    },
    {
      rules: { maxUnavailable: 1 },
      expected: { expectedPods: 5, desiredHealthy: 4, currentHealthy: 5, disruptionsAllowed: 1 },
    },
    {
      rules: { maxUnavailable: "30%" },
      expected: { expectedPods: 5, desiredHealthy: 3, currentHealthy: 5, disruptionsAllowed: 2 },
    },
    {
      rules: { maxUnavailable: 0 },
      expected: { expectedPods: 5, desiredHealthy: 5, currentHealthy: 5, disruptionsAllowed: 0 },
    },
    {
      rules: { maxUnavailable: 9 },
      expected: { expectedPods: 5, desiredHealthy: 0, currentHealthy: 5, disruptionsAllowed: 5 },
    },
  ])("computes $rules over five Ready pods (percentages round up)", ({ rules, expected }) => {
    const status = computeBudgetStatus(budget(rules), five, replicas(5), now, formatTime);
    expect(status).toMatchObject({ ...expected, observedGeneration: 3 });
  });

  it("takes expectedPods from the controller's scale for maxUnavailable, not from the pods that exist", () => {
    const status = computeBudgetStatus(
      budget({ maxUnavailable: 1 }),
      five.slice(0, 3),
      replicas(5),
      now,
      formatTime,
    );
    expect(status).toMatchObject({
      expectedPods: 5,
      desiredHealthy: 4,
      currentHealthy: 3,
      disruptionsAllowed: 0,
    });
  });

  it("does not count not-ready, terminating or recently disrupted pods as healthy", () => {
    const pods = [pod("a"), pod("b", { ready: false }), pod("c", { terminating: true }), pod("d"), pod("e")];
    const status = computeBudgetStatus(
      budget({ minAvailable: 1 }, { d: formatTime(now - 1000) }),
      pods,
      replicas(5),
      now,
      formatTime,
    );
    expect(status).toMatchObject({
      currentHealthy: 2,
      disruptionsAllowed: 1,
      disruptedPods: { d: formatTime(now - 1000) },
    });
  });

  it("forgets a disruptedPods entry once it expires or its pod is terminating", () => {
    const pods = [pod("a"), pod("b"), pod("c", { terminating: true })];
    const status = computeBudgetStatus(
      budget({ minAvailable: 1 }, { a: formatTime(now - disruptedPodTimeoutMs - 1000), c: formatTime(now) }),
      pods,
      replicas(3),
      now,
      formatTime,
    );
    expect(status.disruptedPods).toBeUndefined();
    expect(status.currentHealthy).toBe(2);
  });

  it("allows nothing while no pod is expected", () => {
    const status = computeBudgetStatus(budget({ minAvailable: 0 }), [], replicas(0), now, formatTime);
    expect(status).toMatchObject({ expectedPods: 0, disruptionsAllowed: 0 });
  });

  it("leaves pods without a controller out of a percentage's expected count", () => {
    const pods = [pod("a"), pod("b"), pod("bare", { owner: "" })];
    const status = computeBudgetStatus(budget({ maxUnavailable: "50%" }), pods, replicas(2), now, formatTime);
    expect(status).toMatchObject({
      expectedPods: 2,
      desiredHealthy: 1,
      currentHealthy: 3,
      disruptionsAllowed: 2,
    });
  });

  it("fails safe to no disruption when a pod's controller has no scale (a DaemonSet under maxUnavailable)", () => {
    const pods = [pod("a", { owner: "agent", ownerKind: "DaemonSet" })];
    const status = computeBudgetStatus(budget({ maxUnavailable: 1 }), pods, replicas(1), now, formatTime);
    expect(status.disruptionsAllowed).toBe(0);
    expect(status.conditions).toContainEqual(
      expect.objectContaining({ type: "DisruptionAllowed", status: "False", reason: "SyncFailed" }),
    );
  });

  it("keeps the DisruptionAllowed condition in step with disruptionsAllowed", () => {
    const allowed = computeBudgetStatus(budget({ minAvailable: 1 }), five, replicas(5), now, formatTime);
    expect(allowed.conditions).toEqual([
      expect.objectContaining({ status: "True", reason: "SufficientPods" }),
    ]);
    const blocked = computeBudgetStatus(budget({ minAvailable: 5 }), five, replicas(5), now, formatTime);
    expect(blocked.conditions).toEqual([
      expect.objectContaining({ status: "False", reason: "InsufficientPods" }),
    ]);
  });
});

import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { BudgetGates, type BudgetSource } from "../../src/drain/budget-gates.js";
import { defaultDrainPolicy } from "../../src/drain/policy.js";
import { seededRandom } from "../../src/random/seeded-random.js";

const KEY = "payments/ledger";

/** One budget as a watch shows it: each `show` is a new status (a new revision). */
class OneBudget implements BudgetSource {
  constructor(private readonly expectedPods: number) {}
  private revision = 0;
  private current: V1PodDisruptionBudget | undefined;
  private readonly named = new Set<string>();

  /** `expectedPods`: 11, all the drain's own (it goes at once); 550, shared with other drains. */
  show(allowed: number, disrupted: string[] = [], expectedPods = this.expectedPods): void {
    this.revision += 1;
    for (const name of disrupted) this.named.add(name);
    this.current = {
      metadata: { name: "ledger", namespace: "payments", resourceVersion: String(this.revision) },
      spec: { minAvailable: 500 },
      status: {
        disruptionsAllowed: allowed,
        currentHealthy: 500 + allowed,
        desiredHealthy: 500,
        expectedPods,
        disruptedPods: Object.fromEntries(disrupted.map((name) => [name, new Date("2026-12-02T10:00:00Z")])),
      },
    };
  }

  get object(): V1PodDisruptionBudget {
    if (this.current === undefined) throw new Error("no status shown yet");
    return this.current;
  }

  budget(key: string) {
    return key === KEY ? this.current : undefined;
  }
  budgetRevisionOf(): number {
    return this.revision;
  }
  wasDisrupted(_key: string, podName: string): boolean {
    return this.named.has(podName);
  }
  disruptedCountOf(): number {
    return this.named.size;
  }
}

function gatesOver(source: OneBudget): BudgetGates {
  const policy = defaultDrainPolicy();
  return new BudgetGates(source, policy.budgetBackoff, seededRandom(3), {
    identity: "ip-10-1-0-10",
    windowMs: policy.budgetTurnWindowMs,
  });
}

const wake = () => {};

describe("BudgetGates.worthAPass", () => {
  it("wakes a drain for a status that shows room, not for one that shows none", () => {
    const source = new OneBudget(11);
    const gates = gatesOver(source);
    gates.enter();
    source.show(1);
    // Before the first look every status is worth a pass.
    expect(gates.worthAPass(KEY, 0)).toBe(true);
    expect(gates.decide(KEY, source.object, 0, wake, 11)).toMatchObject({ go: true, allowed: true });
    gates.launched(KEY, "ledger-1");
    gates.accepted(KEY, "ledger-1", 10);
    gates.landed(KEY, "ledger-1", true);

    source.show(0, ["ledger-1"]);
    expect(gates.worthAPass(KEY, 20)).toBe(false);
    source.show(0, []);
    expect(gates.worthAPass(KEY, 30)).toBe(false);
    source.show(2, []);
    expect(gates.worthAPass(KEY, 40)).toBe(true);
  });

  it("with shares, wakes a drain for room it may claim, and once for room whose turn is not set yet", () => {
    const source = new OneBudget(550);
    const gates = gatesOver(source);
    // The first of 50 drains at once: its claims step at phase 0.
    gates.enter(50, 0);
    source.show(1);
    // 1 grant × 1/50 + phase 0: nothing to claim, so the room's turn is set.
    const first = gates.decide(KEY, source.object, 0, wake, 11);
    expect(first).toMatchObject({ go: false, budgetSaysNo: false });
    expect(first.go === false && first.retryAt !== undefined).toBe(true);

    // More room, still no claim, and the turn is set: no use for a pass.
    source.show(20);
    expect(gates.worthAPass(KEY, 10)).toBe(false);
    // The grants reach this drain's step: a pass now claims one.
    source.show(50);
    expect(gates.worthAPass(KEY, 20)).toBe(true);
    expect(gates.decide(KEY, source.object, 20, wake, 11)).toMatchObject({ go: true, allowed: true });
  });

  it("does not wake a drain whose eviction the budget refused until a newer status", () => {
    const source = new OneBudget(11);
    const gates = gatesOver(source);
    gates.enter();
    source.show(1);
    expect(gates.decide(KEY, source.object, 0, wake, 11)).toMatchObject({ go: true });
    gates.launched(KEY, "ledger-1");
    gates.refused(KEY, 10, undefined, true);
    gates.landed(KEY, "ledger-1", false);
    expect(gates.worthAPass(KEY, 20)).toBe(false);
    source.show(1);
    expect(gates.worthAPass(KEY, 30)).toBe(true);
  });
});

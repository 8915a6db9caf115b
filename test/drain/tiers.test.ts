import { describe, expect, it } from "vitest";
import { drainPolicyWith } from "../../src/drain/policy.js";
import { activeTiers, tierOf } from "../../src/drain/tiers.js";
import { makePod, workload } from "./support/fake-workloads.js";

const policy = drainPolicyWith({});

describe("tiers", () => {
  it("puts pods in the kubelet's shutdown order", () => {
    const make = (kind: "Deployment" | "DaemonSet", priorityClassName?: string) =>
      makePod(
        workload(kind, "x", priorityClassName === undefined ? {} : { priorityClassName }),
        "node-a",
        0,
        "u",
        true,
        0,
      );
    expect(tierOf(make("Deployment"), policy)).toBe("ordinary");
    expect(tierOf(make("Deployment", "system-cluster-critical"), policy)).toBe("critical");
    expect(tierOf(make("Deployment", "system-node-critical"), policy)).toBe("critical");
    expect(tierOf(make("Deployment", "high-priority"), policy)).toBe("ordinary");
    expect(tierOf(make("DaemonSet", "system-node-critical"), policy)).toBe("daemonset");
  });

  it("drains DaemonSets only when configured", () => {
    expect(activeTiers(policy)).toEqual(["ordinary", "critical"]);
    expect(activeTiers(drainPolicyWith({ evictDaemonSets: true }))).toEqual([
      "ordinary",
      "critical",
      "daemonset",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import type { ClusterPort } from "../../src/drain/cluster-port.js";
import { defaultDrainPolicy } from "../../src/drain/policy.js";
import type { KubeClient } from "../../src/kube/kube-client.js";
import { BudgetSharing } from "../../src/lifecycle/budget-sharing.js";
import type { ClusterLink } from "../../src/lifecycle/cluster-links.js";

/** A link whose port only counts budget watches opened and closed. */
function countingLink(clusterName: string) {
  const counts = { opened: 0, closed: 0 };
  const port = {
    watchBudgets: () => {
      counts.opened += 1;
      return {
        close: () => {
          counts.closed += 1;
        },
      };
    },
  } as unknown as ClusterPort;
  const link: ClusterLink = { clusterName, client: {} as KubeClient, port };
  return { link, counts };
}

describe("BudgetSharing", () => {
  it("gives the drains of one cluster one share, opened by the first and closed after the last", () => {
    const sharing = new BudgetSharing(defaultDrainPolicy(), () => 0.5, "process-a");
    const { link, counts } = countingLink("prod");

    const first = sharing.acquire(link);
    const second = sharing.acquire(link);
    expect(second.shared).toBe(first.shared);
    expect(counts).toEqual({ opened: 1, closed: 0 });

    first.release();
    first.release(); // twice is once
    expect(counts.closed).toBe(0);
    second.release();
    expect(counts).toEqual({ opened: 1, closed: 1 });

    // A later drain opens a new share.
    const third = sharing.acquire(link);
    expect(third.shared).not.toBe(first.shared);
    expect(counts.opened).toBe(2);
    third.release();
  });

  it("keeps clusters apart", () => {
    const sharing = new BudgetSharing(defaultDrainPolicy(), () => 0.5, "process-a");
    const prod = sharing.acquire(countingLink("prod").link);
    const staging = sharing.acquire(countingLink("staging").link);
    expect(staging.shared).not.toBe(prod.shared);
    prod.release();
    staging.release();
  });
});

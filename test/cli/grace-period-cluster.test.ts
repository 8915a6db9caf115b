import { describe, expect, it } from "vitest";
import { withGracePeriod } from "../../src/cli/grace-period-cluster.js";
import type { ClusterPort, DeletePodOptions, EvictOptions, PodRef } from "../../src/drain/cluster-port.js";

const pod: PodRef = { namespace: "shop", name: "web-1", uid: "u1" };

/** Only the two calls the decorator changes; the others are plain pass-throughs. */
function recordingCluster() {
  const evictions: EvictOptions[] = [];
  const deletions: DeletePodOptions[] = [];
  const cluster = {
    evictPod: async (_ref: PodRef, options: EvictOptions) => {
      evictions.push(options);
      return { kind: "evicted" as const };
    },
    deletePod: async (_ref: PodRef, options: DeletePodOptions) => {
      deletions.push(options);
      return "deleted" as const;
    },
  } as unknown as ClusterPort;
  return { cluster, evictions, deletions };
}

describe("withGracePeriod (--grace-period)", () => {
  it("gives every eviction and deletion at most the flag's seconds", async () => {
    const inner = recordingCluster();
    const cluster = withGracePeriod(inner.cluster, 5);
    await cluster.evictPod(pod, {});
    await cluster.evictPod(pod, { gracePeriodSeconds: 60 });
    await cluster.deletePod(pod, { gracePeriodSeconds: 30 });
    expect(inner.evictions).toEqual([{ gracePeriodSeconds: 5 }, { gracePeriodSeconds: 5 }]);
    expect(inner.deletions).toEqual([{ gracePeriodSeconds: 5 }]);
  });

  it("keeps a shorter grace the engine asks for to finish before the deadline", async () => {
    const inner = recordingCluster();
    const cluster = withGracePeriod(inner.cluster, 5);
    await cluster.evictPod(pod, { gracePeriodSeconds: 2 });
    await cluster.deletePod(pod, { gracePeriodSeconds: 0 });
    expect(inner.evictions).toEqual([{ gracePeriodSeconds: 2 }]);
    expect(inner.deletions).toEqual([{ gracePeriodSeconds: 0 }]);
  });
});

describe("withGracePeriod's other calls", () => {
  it("pass through to the wrapped port, with the port as `this`", async () => {
    class Port {
      private readonly name = "inner";
      async getNode(node: string) {
        return { metadata: { name: `${node} via ${this.name}` } };
      }
    }
    const cluster = withGracePeriod(new Port() as unknown as ClusterPort, 5);
    expect(await cluster.getNode("node-1")).toEqual({ metadata: { name: "node-1 via inner" } });
  });
});

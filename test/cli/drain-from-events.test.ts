import { describe, expect, it } from "vitest";
import { drainFromEvents } from "../../src/cli/drain-from-events.js";
import type { DrainState } from "../../src/drain/drain-state.js";
import { drainEventCatalog as catalog } from "../../src/kube/drain-event-catalog.js";
import type { DrainerEvent } from "../../src/kube/drainer-events.js";
import { podLanes } from "../../src/timeline/index.js";

const node = "ip-10-0-3-30.us-west-2.compute.internal";
const zero = Date.parse("2026-11-24T10:00:00Z");

function onNode(seconds: number, reason: string, message: string, type = "Normal"): DrainerEvent {
  const at = zero + seconds * 1000;
  return { reason, type, message, about: { kind: "Node", name: node }, firstAt: at, lastAt: at, count: 1 };
}

function onPod(seconds: number, pod: string, reason: string, message: string, count = 1): DrainerEvent {
  const [namespace = "", name = ""] = pod.split("/");
  const at = zero + seconds * 1000;
  const lastAt = at + (count - 1) * 5_000;
  return {
    reason,
    type: "Warning",
    message,
    about: { kind: "Pod", name, namespace },
    firstAt: at,
    lastAt,
    count,
  };
}

const pod = (namespace: string, name: string) => ({ namespace, name, uid: `uid-${name}` });

// The messages as the drainer words them (src/kube/drain-event-catalog.ts), so that the two stay in step.
const refusal = catalog.evictionBlocked.message({
  pod: pod("shop", "web-1"),
  cause: "budget",
  budget: "shop/web",
  disruptionsAllowed: 0,
  message: "Cannot evict pod as it would violate the pod's disruption budget.",
});
const dns = Array.from({ length: 9 }, (_, index) => pod("kube-system", `dns-${index + 1}`));

/** Two runs (a continuation), two tiers, one pod forced at the deadline. */
const events: DrainerEvent[] = [
  onNode(0, "DrainStarted", "Draining the node; deadline 2026-11-24T10:05:00Z"),
  onPod(1, "shop/web-1", "EvictionBlocked", refusal, 3),
  onPod(1, "shop/other-node-pod", "EvictionBlocked", refusal),
  onNode(
    12,
    "PodsEvicted",
    catalog.podsEvicted.message({ pods: [pod("shop", "web-1"), pod("shop", "web-2")], tier: "ordinary" }),
  ),
  onNode(
    14,
    "DrainPaused",
    "Drain paused in phase evict-ordinary (this run's time is up); it resumes from the node's state",
  ),
  onNode(
    20,
    "DrainResumed",
    "Resuming the drain started 2026-11-24T10:00:00Z in phase evict; deadline 2026-11-24T10:05:00Z",
  ),
  onNode(30, "PodsEvicted", catalog.podsEvicted.message({ pods: dns, tier: "critical" })),
  onNode(45, "VolumesDetached", catalog.volumesDetached.message({ waitedMs: 125_000 })),
  onPod(
    290,
    "jobs/batch-1",
    "ForceDeleted",
    `Deleted at the drain deadline of node ${node}, grace period 10s`,
  ),
  onNode(
    300,
    "DrainForcedAtDeadline",
    "Drain ended at its deadline after 5m00s: 1 pod force-deleted with their grace periods",
    "Warning",
  ),
  { ...onNode(40, "DrainStarted", "Draining the node"), about: { kind: "Node", name: "another-node" } },
];

const state: DrainState = {
  phase: "finished",
  startedAt: zero,
  deadline: zero + 300_000,
  phaseStartedAt: zero + 290_000,
  updatedAt: zero + 300_000,
  forced: [{ namespace: "jobs", name: "batch-1", uid: "u-1", at: zero + 289_500, graceSeconds: 10 }],
  counts: { evicted: 11, forced: 1, invocations: 2 },
  outcome: "deadline-forced",
};

describe("a drain reconstructed from its node's state and the drainer's Events", () => {
  const record = drainFromEvents({ node, instanceId: "i-0abc", state, events });

  it("takes the header from the state: outcome, deadline, counts", () => {
    expect(record).toMatchObject({
      node,
      instanceId: "i-0abc",
      outcome: "deadline-forced",
      succeeded: false,
      deadlineSeconds: 300,
      endSeconds: 300,
      counts: { evictions: 11, forced: 1, refusals: 3 },
    });
  });

  it("draws a lane for every pod the node's Events or state name, and no other node's pods", () => {
    const lanes = podLanes(record as NonNullable<typeof record>);
    expect(lanes.map((lane) => [lane.pod, lane.tier, lane.end])).toEqual([
      ["jobs/batch-1", "ordinary", "forced"],
      ["shop/web-1", "ordinary", "gone"],
      ["shop/web-2", "ordinary", "gone"],
      // The batch Event names eight pods and counts the ninth: no lane for it (the state still counts it).
      ...dns.slice(0, 8).map((ref) => [`kube-system/${ref.name}`, "critical", "gone"]),
    ]);
    const web = lanes.find((lane) => lane.pod === "shop/web-1");
    expect(web?.refusals).toEqual([1, 11]);
    expect(web?.goneAt).toBe(30);
    // Forced at the state's precise time; gone by the drain's end.
    expect(lanes[0]?.removedAt).toBe(289.5);
  });

  it("reads how long the volumes took to detach", () => {
    expect(record?.timeline.find((entry) => entry.kind === "volumes-detached")).toMatchObject({
      seconds: 45,
      waitedSeconds: 125,
    });
  });

  it("counts each run of the drain between its start or resume and its pause or end", () => {
    expect(record?.invocations).toEqual([
      { attempt: 1, startedAtSeconds: 0, endedAtSeconds: 14, outcome: "paused" },
      { attempt: 2, startedAtSeconds: 20, endedAtSeconds: 300, outcome: "deadline-forced" },
    ]);
  });

  it("has nothing to draw for a node with no state and none of the drainer's Events", () => {
    expect(drainFromEvents({ node: "quiet-node", events })).toBeUndefined();
  });
});

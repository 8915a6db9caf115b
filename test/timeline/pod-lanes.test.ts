import { describe, expect, it } from "vitest";
import { budgetSeries, criticalPath, type PodLane, podLanes } from "../../src/timeline/index.js";
import { smallDrain } from "./support/drain-records.js";

const lane = (lanes: PodLane[], pod: string): PodLane => {
  const found = lanes.find((candidate) => candidate.pod === pod);
  if (found === undefined) throw new Error(`no lane for ${pod}`);
  return found;
};
const states = (found: PodLane) => found.segments.map((segment) => segment.state);

describe("pod lanes of a recorded drain", () => {
  const lanes = podLanes(smallDrain());

  it("draws one lane per pod of the node, ordinary tier first, DaemonSet pods last", () => {
    expect(lanes.map((found) => found.pod).sort()).toEqual(
      smallDrain()
        .pods.map((pod) => pod.pod)
        .sort(),
    );
    expect(lanes.map((found) => found.tier)).toEqual([
      "ordinary",
      "ordinary",
      "ordinary",
      "ordinary",
      "critical",
      "daemonset",
    ]);
  });

  it("shows a pod held back by its budget until its eviction, then terminating until gone", () => {
    const web2 = lane(lanes, "shop/web-2");
    expect(states(web2)).toEqual(["running", "held", "terminating"]);
    expect(web2.segments[1]).toMatchObject({ from: 0.4, to: 4.1, label: "held back by budget shop/web" });
    expect(web2.segments[2]).toMatchObject({ from: 4.1, to: 5.2 });
    expect(web2.refusals).toEqual([0.7]);
    expect(web2).toMatchObject({ end: "gone", goneAt: 5.2, removedAt: 4.1 });
  });

  it("shows a pod without a budget queued only until its eviction", () => {
    expect(states(lane(lanes, "shop/api-1"))).toEqual(["running", "queued", "terminating"]);
  });

  it("marks a skipped pod over the whole drain with its reason", () => {
    const agent = lane(lanes, "kube-system/agent-x");
    expect(agent.segments).toEqual([
      {
        state: "skipped",
        from: 0,
        to: 40,
        label: "skipped: a DaemonSet pod: its controller ignores the cordon",
      },
    ]);
    expect(agent.end).toBe("skipped");
  });

  it("shows a pod forced at the deadline as forced until gone", () => {
    const worker = lane(lanes, "jobs/worker-1");
    expect(states(worker)).toEqual(["running", "queued", "terminating", "forced"]);
    expect(worker.end).toBe("forced");
  });

  it("runs a pod never seen gone to the end of the record", () => {
    const record = smallDrain();
    record.timeline = record.timeline.filter(
      (entry) => !(entry.kind === "gone" && entry.pod === "shop/web-2"),
    );
    const web2 = lane(podLanes(record), "shop/web-2");
    expect(web2.end).toBe("left");
    expect(web2.segments.at(-1)).toMatchObject({ state: "terminating", to: 40 });
  });

  it("gives a lane to a pod the entries name but the node's list did not", () => {
    const record = smallDrain();
    record.timeline.push({
      seconds: 3,
      source: "api",
      kind: "evicted",
      level: "info",
      text: "late",
      pod: "shop/late",
    });
    expect(lane(podLanes(record), "shop/late").workload).toBe("unknown workload");
  });
});

describe("budget series", () => {
  it("keeps each change of disruptionsAllowed once, in time order", () => {
    const [web] = budgetSeries(smallDrain());
    expect(web).toMatchObject({ budget: "shop/web", pods: 2 });
    expect(web?.steps.map((step) => [step.seconds, step.allowed])).toEqual([
      [0.4, 1],
      [0.6, 0],
      [4, 1],
    ]);
  });

  it("falls back to what refusals said when no budget status was watched", () => {
    const record = smallDrain();
    record.timeline = record.timeline.filter((entry) => entry.kind !== "budget");
    expect(budgetSeries(record)[0]?.steps).toEqual([{ seconds: 0.7, allowed: 0 }]);
  });
});

describe("critical path", () => {
  it("follows the last pod of each tier, then the volumes, to the end", () => {
    const record = smallDrain();
    const path = criticalPath(record, podLanes(record));
    expect([...path.pods]).toEqual(["jobs/worker-1", "kube-system/coredns-1"]);
    const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;
    expect(path.steps.map((step) => [ms(step.from), ms(step.to)])).toEqual([
      [0, 0.4],
      [0.4, 0.6],
      [0.6, 38.5],
      [38.5, 38.6],
      [38.6, 38.7],
      [38.7, 39.5],
      [39.6, 39.8],
      [39.8, 40],
    ]);
    expect(path.steps[2]?.label).toContain("jobs/worker-1 forced, terminating");
  });
});

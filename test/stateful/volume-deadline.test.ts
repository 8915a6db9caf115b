import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDrainState } from "../../src/drain/drain-state.js";
import type { DrainResult } from "../../src/drain/result.js";
import { type StatefulSim, startStatefulSim } from "./support/stateful-sim.js";

/**
 * The deadline bounds what comes after the pods: a volume that never detaches (the sim's stuck-detach
 * fault) and a settle time longer than the time left. Three drains of scenarios/stateful.yaml run side by
 * side, each with a deadline 25 s away (pods have a 10 s grace: they are gone long before it).
 */
const DEADLINE_IN_MS = 25_000;

interface Run {
  subject: StatefulSim;
  result: DrainResult;
  deadline: number;
  postgresVolume: string;
}

async function drainWithDeadline(policy: Parameters<StatefulSim["drain"]>[0], stuck: boolean): Promise<Run> {
  const subject = await startStatefulSim("stateful.yaml");
  if (stuck) subject.sim.faults.update({ stuckDetach: ["data-postgres-0"] });
  const postgresVolume = subject.volumeOfClaim("db", "data-postgres-0");
  const deadline = subject.clock.now() + DEADLINE_IN_MS;
  const result = await subject.drain(policy, { deadline });
  return { subject, result, deadline, postgresVolume };
}

describe("a drain at its deadline, after the pods are gone", () => {
  let forced: Run;
  let left: Run;
  let settled: Run;

  beforeAll(async () => {
    [forced, left, settled] = await Promise.all([
      drainWithDeadline({ waitForVolumeDetach: true, onDeadline: "force", deleteNode: true }, true),
      drainWithDeadline({ waitForVolumeDetach: true, onDeadline: "leave", deleteNode: true }, true),
      drainWithDeadline({ waitForVolumeDetach: true, settleMs: 120_000 }, false),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([forced?.subject.stop(), left?.subject.stop(), settled?.subject.stop()]);
  });

  it("goes on without a volume that never detaches under policy force, and the result says so", () => {
    const { result, deadline, postgresVolume } = forced;
    expect(result.status).toBe("deadline-forced");
    expect(result.forced).toEqual([]);
    expect(result.remaining).toEqual([]);
    expect(result.timings.finishedAt).toBeGreaterThanOrEqual(deadline);
    expect(result.volumes).toMatchObject({
      volumes: [postgresVolume],
      attached: [postgresVolume],
      outcome: "deadline",
    });
    expect(result.warnings.join(" ")).toContain(
      `volumes still attached at the deadline, going on without them: ${postgresVolume}`,
    );
    // The attachment is still there: the drain did not pretend otherwise.
    expect(forced.subject.attachedToNode()).toContain(postgresVolume);
  });

  it("tells an observer which volume is stuck, while waiting and at the deadline", () => {
    const waiting = forced.subject.eventsOf("volumes-waiting");
    expect(waiting[0]?.volumes).toEqual([forced.postgresVolume]);
    // The attacher's detach error, once it reports one, is passed on in a new announcement.
    const withError = waiting.find((event) => event.detachErrors.length > 0);
    expect(withError?.detachErrors).toEqual([expect.stringContaining(`${forced.postgresVolume}: rpc error`)]);
    expect(waiting.length).toBeLessThanOrEqual(2);
    const ended = forced.subject.eventsOf("volumes-detached");
    expect(ended).toEqual([
      expect.objectContaining({ timedOut: true, atDeadline: true, volumes: [forced.postgresVolume] }),
    ]);
  });

  it("ends deadline-left under policy leave, with the state saved on the node", () => {
    const { result, subject, deadline } = left;
    expect(result.status).toBe("deadline-left");
    expect(result.timings.finishedAt).toBeGreaterThanOrEqual(deadline);
    expect(result.volumes?.outcome).toBe("deadline");
    const annotations = subject.sim.view.node(subject.nodeName)?.metadata.annotations;
    expect(
      readDrainState({ metadata: { ...(annotations === undefined ? {} : { annotations }) } })?.outcome,
    ).toBe("deadline-left");
    expect(subject.eventsOf("deadline-reached")).toEqual([
      expect.objectContaining({ policy: "leave", podsLeft: 0 }),
    ]);
  });

  it("deletes the Node after neither drain: a forced or left drain is no success", () => {
    for (const { subject, result } of [forced, left]) {
      expect(subject.sim.view.node(subject.nodeName)).toBeDefined();
      expect(subject.sim.recorder.countsByRequest()["delete nodes"]).toBeUndefined();
      expect(result.nodeDeleted).toBeUndefined();
    }
  });

  it("never settles past the deadline", () => {
    const { result, deadline } = settled;
    expect(result.status).toBe("drained");
    expect(result.volumes?.outcome).toBe("detached");
    expect(result.timings.finishedAt).toBeGreaterThanOrEqual(deadline);
    // Far from the 120 s asked for: the settle ended at the deadline (a generous margin for a busy machine).
    expect(result.timings.finishedAt - deadline).toBeLessThan(10_000);
    expect(result.warnings.join(" ")).toMatch(/settle cut short by the deadline/);
  });
});

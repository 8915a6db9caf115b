import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { node22 } from "../../bench/child-process.js";
import { buildDrainWorker, removeDrainWorker } from "../../bench/worker-launch.js";
import { workerReportSchema } from "../../bench/worker-protocol.js";
import { readDrainState } from "../../src/drain/drain-state.js";
import type { DrainResult } from "../../src/drain/result.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import type { SimCluster } from "../../src/sim/index.js";
import { expectNoUnsafeRemoval, podsLeftToDrain } from "./support/drain-invariants.js";
import { startEngineRig } from "./support/engine-rig.js";
import { drainedNode, faultScenario } from "./support/fault-scenarios.js";
import { addClusterRecord, countOther, emptyTally, tallyLine } from "./support/fault-tally.js";

/**
 * The drain stopped at random points and run again by a fresh engine, which resumes from the state the
 * node carries: gracefully (AbortSignal: the engine saves its state on the way out) and brutally (the
 * drain's process killed with SIGKILL: whatever was not saved is lost). The random point is a number of
 * API requests the drainer has made, so that kills land in every phase: reading the node, cordoning,
 * listing, evicting, waiting.
 */

/**
 * Calls `stop` as the simulated API server answers its `count`-th request (at once, in the server's
 * handler: however loaded the machine, the drain is stopped at that request, not some polls later).
 */
function afterRequests(sim: SimCluster, count: number, signal: AbortSignal, stop: () => void): void {
  if (sim.recorder.requests().length >= count) {
    stop();
    return;
  }
  const unsubscribe = sim.recorder.onRequest(() => {
    if (sim.recorder.requests().length < count) return;
    unsubscribe();
    if (!signal.aborted) stop();
  });
  signal.addEventListener("abort", unsubscribe, { once: true });
}

/** Accepted evictions per pod (namespace/name) of the drained node. */
function acceptedEvictions(sim: SimCluster): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of sim.recorder.requests()) {
    if (request.subresource !== "eviction" || request.code >= 300) continue;
    const key = `${request.namespace}/${request.name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function expectResumedCleanly(sim: SimCluster, stops: number): void {
  const state = readDrainState(sim.view.node(drainedNode) as never);
  expect(state?.outcome).toBe("drained");
  // Every run that found the saved state counted itself; a run stopped before its first save did not.
  expect(state?.counts.invocations).toBeGreaterThanOrEqual(2);
  expect(state?.counts.invocations).toBeLessThanOrEqual(stops + 1);
  expect(podsLeftToDrain(sim, drainedNode)).toEqual([]);
  expectNoUnsafeRemoval(sim, drainedNode);
  // Resuming never evicts a pod twice: a pod already terminating is waited for, not evicted again.
  const twice = [...acceptedEvictions(sim)].filter(([, count]) => count > 1);
  expect(twice).toEqual([]);
}

describe("a drain stopped at random points and resumed from the node's state", () => {
  const tally = emptyTally();
  let workerBundle = "";

  beforeAll(async () => {
    workerBundle = await buildDrainWorker();
  }, 60_000);

  afterAll(async () => {
    console.log(tallyLine("drains interrupted and resumed", tally));
    if (workerBundle !== "") await removeDrainWorker(workerBundle);
  });

  it.each([201, 202])(
    "seed %i: aborted by its signal, then resumed by a fresh engine",
    async (seed) => {
      const rig = await startEngineRig(faultScenario({ seed }), drainedNode);
      const random = seededRandom(seed);
      try {
        let result: DrainResult | undefined;
        let stops = 0;
        for (let run = 0; run < 8 && result?.status !== "drained"; run++) {
          const controller = new AbortController();
          const done = new AbortController();
          const stopAt = rig.sim.recorder.requests().length + 2 + Math.floor(random() * 18);
          // The first runs are stopped; the last one (or one that outruns its stop point) finishes.
          if (run < 4) afterRequests(rig.sim, stopAt, done.signal, () => controller.abort());
          result = await rig.drain({ seed: seed + run, signal: controller.signal });
          done.abort();
          if (result.status === "in-progress") {
            expect(result.stoppedBy).toBe("abort");
            stops += 1;
          }
        }

        tally.runs += stops + 1;
        countOther(tally, "aborts", stops);
        addClusterRecord(tally, rig.sim, 2 * (stops + 1));
        expect(result?.status).toBe("drained");
        expect(stops).toBeGreaterThanOrEqual(2);
        expectResumedCleanly(rig.sim, stops);
      } finally {
        await rig.stop();
      }
    },
    60_000,
  );

  it.each([211, 212])(
    "seed %i: its process killed (SIGKILL), then resumed by a new process",
    async (seed) => {
      // The drainer runs in other processes, on real time: so does the cluster.
      const rig = await startEngineRig(faultScenario({ seed }), drainedNode, { realTime: true });
      const random = seededRandom(seed);
      const request = JSON.stringify({
        server: rig.sim.server,
        caData: rig.sim.caData,
        token: rig.sim.token,
        nodes: [drainedNode],
        seed,
      });
      try {
        let kills = 0;
        let finished = false;
        for (let run = 0; run < 8 && !finished; run++) {
          const killAt = rig.sim.recorder.requests().length + 2 + Math.floor(random() * 18);
          const child = spawn(node22, [workerBundle, request], { stdio: ["ignore", "pipe", "pipe"] });
          let stdout = "";
          child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
          });
          const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
          const ended = new AbortController();
          void exited.then(() => ended.abort());
          // The first runs are killed; the last one (or one that outruns its kill point) finishes.
          if (run < 3) {
            afterRequests(rig.sim, killAt, ended.signal, () => child.kill("SIGKILL"));
          }
          const code = await exited;
          if (code === 0) {
            const report = workerReportSchema.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
            expect(report.drains[0]?.status).toBe("drained");
            finished = true;
          } else {
            kills += 1;
          }
        }

        tally.runs += kills + 1;
        countOther(tally, "SIGKILLs", kills);
        addClusterRecord(tally, rig.sim, 2 * (kills + 1));
        expect(finished).toBe(true);
        expect(kills).toBeGreaterThanOrEqual(1);
        expectResumedCleanly(rig.sim, kills);
      } finally {
        await rig.stop();
      }
    },
    60_000,
  );
});

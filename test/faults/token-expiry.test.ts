import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { EksClusterAccess } from "../../src/aws/cluster-access.js";
import type { SimCluster } from "../../src/sim/index.js";
import { expectNoUnsafeRemoval, podsLeftToDrain } from "./support/drain-invariants.js";
import { EksTokenCheck } from "./support/eks-token-check.js";
import { drainedInstance, drainedNode, faultScenario } from "./support/fault-scenarios.js";
import { addClusterRecord, countOther, emptyTally, tallyLine } from "./support/fault-tally.js";
import { clusterName, startHandlerRig } from "./support/handler-rig.js";
import { jumpingClock } from "./support/jumping-clock.js";

/**
 * The EKS token expiring mid-drain. The API server accepts a token for 15 minutes after signing; the
 * drainer mints one in a warm container and reuses it for 14. The notice's first invocation starts the
 * drain (and mints the token) and hands over to a continuation; the container then idles 13 minutes (the
 * clock, shared by the simulated cluster, the Auto Scaling group and the handler, jumps). The
 * continuation runs in the same container with the cached token; mid-drain the clock jumps 1.5 minutes
 * (the token is past its reuse window but still valid, so requests in flight are fine), then one more
 * minute (it is now expired). The drain must carry on with a fresh token: no request refused, one drain,
 * one completion.
 */

const minute = 60_000;

function acceptedEvictions(sim: SimCluster): number {
  return sim.recorder.requests().filter((request) => request.subresource === "eviction" && request.code < 300)
    .length;
}

describe("an EKS token expiring mid-drain", () => {
  const tally = emptyTally();

  afterAll(() => {
    console.log(tallyLine("EKS token expiring mid-drain", tally));
  });

  it("re-mints before the token expires and finishes in the same invocation", async () => {
    const seed = 401;
    const clock = jumpingClock();
    const check = new EksTokenCheck(() => clock.now());
    const eks = new EKSClient({
      region: "us-west-2",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    });
    const eksMock = mockClient(eks);
    const rig = await startHandlerRig({
      scenario: faultScenario({ seed }),
      seed,
      clock,
      heartbeatTimeoutSeconds: 3600,
      sim: { acceptToken: check.accept },
      clusterAccess: (sim) => {
        eksMock.on(DescribeClusterCommand, { name: clusterName }).resolves({
          cluster: {
            name: clusterName,
            status: "ACTIVE",
            endpoint: sim.server,
            certificateAuthority: { data: sim.caData },
          },
        });
        return new EksClusterAccess({
          eks,
          region: "us-west-2",
          clock,
          credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-key-example" }),
        });
      },
    });
    const jumps: number[] = [];
    let jumpAfter: number[] = [];
    const jumper = setInterval(() => {
      const next = jumpAfter[0];
      if (next === undefined || acceptedEvictions(rig.sim) < next) return;
      jumpAfter = jumpAfter.slice(1);
      const ms = jumps.length === 0 ? 1.5 * minute : 1 * minute;
      clock.jump(ms);
      jumps.push(ms);
    }, 5);
    try {
      const { event, token } = rig.asg.terminate(drainedInstance);

      const first = await rig.deliver(0, { via: "direct", message: event }, 500);
      const [continuation, ...others] = rig.takeContinuations();
      expect(first.failed).toBe(false);
      expect(others).toEqual([]);
      if (continuation === undefined)
        throw new Error("the first invocation finished the drain: nothing expires");
      clock.jump(13 * minute);
      const evictedSoFar = acceptedEvictions(rig.sim);
      jumpAfter = [evictedSoFar + 1, evictedSoFar + 3];
      const second = await rig.deliver(0, continuation, 15 * minute);
      clearInterval(jumper);

      tally.runs += 1;
      countOther(tally, "invocations", 2);
      countOther(tally, "clock jumps", jumps.length + 1);
      countOther(tally, "tokens minted", check.accepted.size);
      countOther(tally, "tokens refused", check.refused.length);
      addClusterRecord(tally, rig.sim);
      expect(second.failed).toBe(false);
      expect(rig.takeContinuations(), "the continuation finished the drain").toEqual([]);
      expect(jumps, "the drain outlasted both jumps").toHaveLength(2);
      expect(check.refused, "tokens refused by the API server").toEqual([]);
      const signingTimes = [...check.accepted.values()].sort((a, b) => a - b);
      expect(signingTimes.length).toBeGreaterThanOrEqual(2);
      const firstSigned = signingTimes[0] ?? 0;
      expect(signingTimes.at(-1) ?? 0, "a token signed after the jumps").toBeGreaterThan(
        firstSigned + 14 * minute,
      );
      const effective = rig.asg
        .completions()
        .filter((call) => call.token === token && call.outcome === "completed");
      expect(effective).toHaveLength(1);
      expect(effective[0]?.result).toBe("CONTINUE");
      expect(podsLeftToDrain(rig.sim, drainedNode)).toEqual([]);
      expectNoUnsafeRemoval(rig.sim, drainedNode);
    } finally {
      clearInterval(jumper);
      eksMock.restore();
      await rig.stop();
    }
  }, 60_000);
});

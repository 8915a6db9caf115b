import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { EksClusterAccess } from "../../src/aws/cluster-access.js";
import { tokenReuseMs } from "../../src/aws/token-minter.js";
import { expectNoUnsafeRemoval, podsLeftToDrain } from "./support/drain-invariants.js";
import { EksTokenCheck } from "./support/eks-token-check.js";
import { drainedInstance, drainedNode, faultScenario } from "./support/fault-scenarios.js";
import { addClusterRecord, countOther, emptyTally, tallyLine } from "./support/fault-tally.js";
import { clusterName, startHandlerRig } from "./support/handler-rig.js";

/**
 * The EKS token expiring mid-drain. The API server accepts a token for 15 minutes after signing; the
 * drainer mints one in a warm container and reuses it for 14. The notice's first invocation starts the
 * drain (and mints the token) and hands over to a continuation; the container then idles until
 * 5 s before the token's reuse window ends (virtual time, shared by the simulated cluster, the Auto Scaling
 * group and the handler). The continuation runs in the same container with the cached token and goes on
 * past the window: the drain must carry on with a fresh token — no request refused, one drain, one
 * completion.
 */

const minute = 60_000;

describe("an EKS token expiring mid-drain", () => {
  const tally = emptyTally();

  afterAll(() => {
    console.log(tallyLine("EKS token expiring mid-drain", tally));
  });

  it("re-mints before the token expires and finishes in the same invocation", async () => {
    const seed = 401;
    let now = () => 0;
    const check = new EksTokenCheck(() => now());
    const eks = new EKSClient({
      region: "us-west-2",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    });
    const eksMock = mockClient(eks);
    const rig = await startHandlerRig({
      // Two pods under a budget that lets one go at a time, each 20 s to shut down: the second is evicted
      // by the continuation, and keeps the drain going past the token's reuse window.
      scenario: faultScenario({
        seed,
        extraWorkloads: `
  - kind: Deployment
    name: ledger
    namespace: payments
    replicas: 2
    node: ${drainedNode}
    pdb: { maxUnavailable: 1 }
    terminationGracePeriodSeconds: 30
    shutdownSeconds: 20
    startupSeconds: 20`,
      }),
      seed,
      heartbeatTimeoutSeconds: 3600,
      sim: { acceptToken: check.accept },
      clusterAccess: (sim, clock) => {
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
    now = () => rig.clock.now();
    try {
      const { event, token } = rig.asg.terminate(drainedInstance);

      const first = await rig.deliver(0, { via: "direct", message: event }, 500);
      const [continuation, ...others] = rig.takeContinuations();
      expect(first.failed).toBe(false);
      expect(others).toEqual([]);
      if (continuation === undefined)
        throw new Error("the first invocation finished the drain: nothing expires");
      // The continuation starts 5 s before the kept token's reuse window (14 minutes) ends: the
      // drain goes on past it, on the virtual clock, and must use a newly minted token from then on.
      const firstSigned = Math.min(...check.accepted.values());
      await rig.pass(firstSigned + tokenReuseMs - 5_000 - rig.clock.now());
      const secondStarted = rig.clock.now();
      const second = await rig.deliver(0, continuation, 15 * minute);

      tally.runs += 1;
      countOther(tally, "invocations", 2);
      countOther(tally, "tokens minted", check.accepted.size);
      countOther(tally, "tokens refused", check.refused.length);
      addClusterRecord(tally, rig.sim);
      expect(second.failed).toBe(false);
      expect(rig.takeContinuations(), "the continuation finished the drain").toEqual([]);
      expect(check.refused, "tokens refused by the API server").toEqual([]);
      const signingTimes = [...check.accepted.values()].sort((a, b) => a - b);
      expect(signingTimes[0]).toBe(firstSigned);
      expect(signingTimes.at(-1) ?? 0, "a token minted during the continuation").toBeGreaterThanOrEqual(
        secondStarted,
      );
      expect(rig.clock.now(), "the drain went on past the reuse window").toBeGreaterThan(
        firstSigned + tokenReuseMs,
      );
      const effective = rig.asg
        .completions()
        .filter((call) => call.token === token && call.outcome === "completed");
      expect(effective).toHaveLength(1);
      expect(effective[0]?.result).toBe("CONTINUE");
      expect(podsLeftToDrain(rig.sim, drainedNode)).toEqual([]);
      expectNoUnsafeRemoval(rig.sim, drainedNode);
    } finally {
      eksMock.restore();
      await rig.stop();
    }
  }, 60_000);
});

import { afterEach, describe, expect, it } from "vitest";
import { eksTokenPrefix } from "../../src/aws/eks-token.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, drainedNode, slowDrainScenario } from "./support/scenarios.js";
import { exampleCredentials, simulatedEksAccess } from "./support/simulated-eks.js";

/**
 * The API server refusing a good EKS token (aws-iam-authenticator's STS call failing for a moment): the
 * Lambda drops the cached token, mints a new one and retries the request once, so the drain carries on
 * in the same invocation. Only a 401 to the freshly minted token is fatal.
 */
describe("the handler and a refused EKS token", () => {
  let harness: LambdaHarness | undefined;
  let signings = 0;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function start(): Promise<LambdaHarness> {
    signings = 0;
    return startLambdaHarness({
      scenario: slowDrainScenario,
      sim: () => ({ acceptToken: (bearer) => bearer.startsWith(eksTokenPrefix) }),
      clusterAccess: (sim, clock) =>
        simulatedEksAccess(sim, clock, {
          credentials: async () => {
            signings += 1;
            return exampleCredentials;
          },
        }),
    });
  }

  it("re-mints after a 401 and finishes the drain with CONTINUE in the same invocation", async () => {
    harness = await start();
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);
    h.sim.faults.update({ refuseTokens: 1 });

    const answer = await h.invokeDirect(event, 120_000);

    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
    const codes = h.sim.recorder.requests().map((request) => request.code);
    expect(codes.filter((code) => code === 401)).toHaveLength(1);
    expect(codes[codes.indexOf(401) + 1], "the retried request").toBeLessThan(300);
    expect(signings, "the token minted at first and once more after the 401").toBe(2);
    expect(h.asg.completions().filter((entry) => entry.token === token)).toEqual([
      expect.objectContaining({ result: "CONTINUE", outcome: "completed" }),
    ]);
    expect(h.sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
  }, 60_000);

  it("fails the notice when the freshly minted token is refused too", async () => {
    harness = await start();
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);
    h.sim.faults.update({ refuseTokens: 2 });

    const failed = await h.invokeSqs([event]);

    expect(failed.batchItemFailures).toHaveLength(1);
    const codes = h.sim.recorder.requests().map((request) => request.code);
    expect(codes.slice(0, 2)).toEqual([401, 401]);
    expect(signings).toBe(2);
    expect(String(h.log.find("notice failed").at(-1)?.fields.error)).toMatch(/401/);
    expect(h.asg.completions().filter((entry) => entry.token === token)).toEqual([]);
  }, 60_000);
});

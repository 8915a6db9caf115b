import { ApiException } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { kubeClientFromEndpoint } from "../../src/kube/kube-client.js";
import { expiringTokens, signedAtOf } from "./support/expiring-tokens.js";
import { type LambdaHarness, startLambdaHarness } from "./support/lambda-harness.js";
import { drainedInstance, drainedNode, slowDrainScenario } from "./support/scenarios.js";
import { simulatedEksAccess } from "./support/simulated-eks.js";

function expectCompletedOnceWithContinue(harness: LambdaHarness, token: string): void {
  const completions = harness.asg.completions().filter((entry) => entry.token === token);
  expect(completions).toHaveLength(1);
  expect(completions[0]).toMatchObject({ result: "CONTINUE", outcome: "completed" });
  expect(harness.asg.completions().some((entry) => entry.result === "ABANDON")).toBe(false);
  expect(harness.sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
  expect(harness.sim.recorder.violations()).toEqual([]);
}

describe("the handler under failures", () => {
  let harness: LambdaHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("re-mints an EKS token that expires mid-drain, and the drain goes on", async () => {
    // Tokens live 4 s here (15 min on EKS) and are reused for 1 s (14 min in production).
    const lifetimeMs = 4_000;
    let tokens: ReturnType<typeof expiringTokens> | undefined;
    harness = await startLambdaHarness({
      scenario: slowDrainScenario,
      sim: (clock) => {
        tokens = expiringTokens(() => clock.now(), lifetimeMs);
        const check = tokens;
        return { acceptToken: (bearer) => check.accept(bearer) };
      },
      clusterAccess: (sim, clock) => simulatedEksAccess(sim, clock, { reuseMs: 1_000 }),
    });
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);

    const answer = await h.invokeDirect(event, 120_000);

    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
    expectCompletedOnceWithContinue(h, token);
    const used = [...(tokens?.accepted ?? [])];
    expect(used.length).toBeGreaterThanOrEqual(3);
    expect(h.sim.recorder.requests().filter((request) => request.code === 401)).toEqual([]);
    // The first token is refused once its lifetime is over: the drain did outlive it.
    const first = used[0] ?? "";
    const expiredAt = (signedAtOf(first) ?? 0) + lifetimeMs + 1_500;
    await h.pass(Math.max(0, expiredAt - h.clock.now()));
    const stale = kubeClientFromEndpoint({
      server: h.sim.server,
      caData: h.sim.caData,
      token: async () => first,
    });
    try {
      const refused = await stale.core.readNode({ name: drainedNode }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ApiException);
      expect((refused as ApiException<unknown>).code).toBe(401);
    } finally {
      await stale.close();
    }
  }, 60_000);

  it("tries the node lookup again on a fresh connection when the kept one fails at the network level", async () => {
    const connects: string[] = [];
    harness = await startLambdaHarness({
      scenario: slowDrainScenario,
      // The first connection leads nowhere (like a keep-alive socket closed while the container was frozen).
      clusterAccess: (sim) => ({
        connect: async (clusterName) => {
          connects.push(clusterName);
          const endpoint = connects.length === 1 ? "https://127.0.0.1:9" : sim.server;
          return { clusterName, endpoint, caData: sim.caData, bearerToken: async () => sim.token };
        },
        forget: () => {},
      }),
    });
    const { event, token } = harness.asg.terminate(drainedInstance);

    const answer = await harness.invokeDirect(event);

    expect(answer.outcome).toMatchObject({ kind: "completed", result: "CONTINUE" });
    expect(connects).toEqual(["prod", "prod"]);
    expectCompletedOnceWithContinue(harness, token);
  }, 60_000);

  it("reports a record as a retryable batch item failure while the API server answers 5xx, never ABANDON", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);
    h.sim.faults.update({ errorRate: { all: 1 } });

    const failed = await h.invokeSqs([event]);

    expect(failed.batchItemFailures).toHaveLength(1);
    const failure = h.log.find("notice failed").at(-1);
    expect(failure?.fields.retryable).toBe(true);
    expect(String(failure?.fields.error)).toMatch(/5\d\d/);
    expect(h.asg.completions()).toEqual([]);
    expect(h.asg.action(token)).toMatchObject({ state: "waiting" });

    h.sim.faults.reset();
    const { failures } = await h.runToEnd({ mode: "sqs", message: event }, 60_000, { redeliver: true });

    expect(failures).toBe(0);
    expectCompletedOnceWithContinue(h, token);
  }, 60_000);

  it("rides out 5xx answers in the middle of a drain spread over invocations", async () => {
    harness = await startLambdaHarness({ scenario: slowDrainScenario });
    const h = harness;
    const { event, token } = h.asg.terminate(drainedInstance);
    const storm = (async () => {
      await h.clock.sleep(1_500);
      h.sim.faults.update({ errorRate: { all: 1 } });
      await h.clock.sleep(2_000);
      h.sim.faults.reset();
    })();

    const { invocations } = await h.runToEnd({ mode: "sqs", message: event }, 1_200, { redeliver: true });
    await storm;

    expect(invocations).toBeGreaterThanOrEqual(3);
    expect(h.sim.recorder.requests().filter((request) => request.code >= 500).length).toBeGreaterThan(0);
    expectCompletedOnceWithContinue(h, token);
  }, 90_000);
});

import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/random/seeded-random.js";
import { deliverStorm } from "./support/delivery-storm.js";
import { expectNoUnsafeRemoval, podsLeftToDrain } from "./support/drain-invariants.js";
import {
  drainedInstance,
  drainedNode,
  faultScenario,
  secondInstance,
  secondNode,
} from "./support/fault-scenarios.js";
import { addClusterRecord, countOther, emptyTally, tallyLine } from "./support/fault-tally.js";
import type { Delivery } from "./support/handler-rig.js";
import { startHandlerRig } from "./support/handler-rig.js";

/**
 * At-least-once delivery: two instances terminate at once and each notice arrives three times (twice
 * through SQS, once invoked directly), all at the same moment, in three warm containers, with short
 * invocations that hand the drains over to continuations, and API errors on the way. Late copies arrive
 * after the drains ended. Whatever the order: one drain per node, exactly one effective completion per
 * notice (CONTINUE), no budget violated.
 */

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

describe("each notice delivered several times through the handler", () => {
  const tally = emptyTally();

  afterAll(() => {
    console.log(tallyLine("notices delivered several times", tally));
  });

  it.each([301, 302])(
    "seed %i: two notices × three copies at once → one completion each",
    async (seed) => {
      const random = seededRandom(seed);
      const rig = await startHandlerRig({
        scenario: faultScenario({
          seed,
          twoTargets: true,
          faults: "  errorRate: { all: 0.03 }\n  throttleRate: 0.02",
        }),
        seed,
      });
      try {
        const notices = [drainedInstance, secondInstance].map((instanceId) => rig.asg.terminate(instanceId));
        const copies: Delivery[] = notices.flatMap(({ event }) => [
          { via: "sqs", message: event },
          { via: "sqs", message: event },
          { via: "direct", message: event },
        ]);

        const storm = await deliverStorm(rig, shuffled(copies, random), {
          containers: 3,
          budgetMs: 800,
          random,
          maxRedeliveries: 6,
          redeliveryDelayMs: 1_000,
          maxRounds: 40,
        });
        const late = await deliverStorm(
          rig,
          notices.map(({ event }) => ({ via: "sqs", message: event })),
          {
            containers: 3,
            budgetMs: 2_500,
            random,
            maxRedeliveries: 4,
            redeliveryDelayMs: 200,
            maxRounds: 6,
          },
        );

        tally.runs += notices.length;
        countOther(tally, "deliveries", storm.deliveries + late.deliveries);
        countOther(tally, "duplicate copies", copies.length - notices.length + late.deliveries);
        countOther(tally, "continuations", storm.continuations);
        countOther(tally, "redeliveries", storm.redeliveries);
        addClusterRecord(tally, rig.sim);
        const errors = rig.log.lines
          .filter((line) => line.level === "error")
          .map((line) => String(line.fields.error));
        expect(
          storm.givenUpReasons,
          `deliveries that never succeeded; errors logged: ${errors.join(" | ")}`,
        ).toEqual([]);
        expect(late.givenUpReasons, "late copies must be acknowledged").toEqual([]);
        expect(late.continuations, "late copies start nothing").toBe(0);
        for (const { token } of notices) {
          const effective = rig.asg
            .completions()
            .filter((call) => call.token === token && call.outcome === "completed");
          expect(effective, `effective completions of ${token}`).toHaveLength(1);
          expect(effective[0]?.result).toBe("CONTINUE");
          expect(rig.asg.action(token)).toMatchObject({ state: "completed", result: "CONTINUE" });
        }
        expect(rig.asg.completions().filter((call) => call.result === "ABANDON")).toEqual([]);
        for (const nodeName of [drainedNode, secondNode]) {
          expect(podsLeftToDrain(rig.sim, nodeName)).toEqual([]);
          expectNoUnsafeRemoval(rig.sim, nodeName);
        }
      } finally {
        await rig.stop();
      }
    },
    60_000,
  );
});

import type { Delivery, HandlerRig } from "./handler-rig.js";

export interface StormOptions {
  /** Containers the deliveries are spread over. */
  containers: number;
  /** Each invocation's time budget, ms: short budgets force continuations. */
  budgetMs: number;
  random: () => number;
  /** Redeliveries of a failed delivery at most (SQS redrive, Lambda's asynchronous retries). */
  maxRedeliveries: number;
  /** A failed delivery comes back no sooner than this (SQS visibility timeout, Lambda's retry delay), ms. */
  redeliveryDelayMs: number;
  /** Rounds at most, so that a handler that loops cannot hang the suite. */
  maxRounds: number;
}

export interface StormCounts {
  deliveries: number;
  /** Deliveries that failed and were delivered again. */
  redeliveries: number;
  continuations: number;
  /** Deliveries that still failed after every redelivery. */
  givenUp: number;
  /** Why each given-up delivery failed last (a direct invocation's error; SQS failures are in the log). */
  givenUpReasons: string[];
}

/**
 * Delivers messages as Lambda would at scale: in rounds, each round's messages at once and spread over
 * warm containers at random; a failed delivery comes back in a later round (as SQS redrives it or Lambda
 * retries an asynchronous invocation), and every continuation a container schedules is delivered too.
 */
export async function deliverStorm(
  rig: HandlerRig,
  initial: readonly Delivery[],
  options: StormOptions,
): Promise<StormCounts> {
  const counts: StormCounts = {
    deliveries: 0,
    redeliveries: 0,
    continuations: 0,
    givenUp: 0,
    givenUpReasons: [],
  };
  let pending = initial.map((delivery) => ({ delivery, failures: 0 }));
  let redeliveryDue = false;
  for (let round = 0; pending.length > 0; round++) {
    if (round >= options.maxRounds) throw new Error(`deliveries still pending after ${round} rounds`);
    if (redeliveryDue) await rig.pass(options.redeliveryDelayMs);
    redeliveryDue = false;
    const current = pending;
    pending = [];
    const results = await Promise.all(
      current.map(async (item) => {
        const container = Math.floor(options.random() * options.containers);
        counts.deliveries += 1;
        return { item, ...(await rig.deliver(container, item.delivery, options.budgetMs)) };
      }),
    );
    for (const { item, failed, answer } of results) {
      if (!failed) continue;
      if (item.failures + 1 > options.maxRedeliveries) {
        counts.givenUp += 1;
        counts.givenUpReasons.push(
          answer instanceof Error ? answer.message : `${item.delivery.via}: ${JSON.stringify(answer)}`,
        );
        continue;
      }
      counts.redeliveries += 1;
      redeliveryDue = true;
      pending.push({ delivery: item.delivery, failures: item.failures + 1 });
    }
    const continuations = rig.takeContinuations();
    counts.continuations += continuations.length;
    pending.push(...continuations.map((delivery) => ({ delivery, failures: 0 })));
  }
  return counts;
}

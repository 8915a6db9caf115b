import type { V1PodDisruptionBudgetStatus } from "@kubernetes/client-node";
import type { PodRef } from "./cluster-port.js";
import type { DrainEventInput } from "./events.js";
import type { BlockedPod } from "./result.js";

/** What holds a pod's eviction back now: a refusal from the server, or its budget's status. */
export interface Hold {
  cause: BlockedPod["cause"];
  /** namespace/name of the budget (for "multiple-budgets", all of them, comma-separated). */
  budget: string | undefined;
  disruptionsAllowed: number | undefined;
  message: string;
  /** True for an answer of the server (counted in `refusals`); false when the watch told. */
  refused: boolean;
}

/**
 * The pod's blocked record after a new hold, and whether it is news (the first hold of its cause) that
 * deserves a "blocked" event. Repeated holds of one cause keep the first one's time and count refusals.
 */
export function nextBlocked(
  ref: PodRef,
  previous: BlockedPod | undefined,
  hold: Hold,
  now: number,
): { blocked: BlockedPod; first: boolean } {
  const first = previous === undefined || previous.cause !== hold.cause;
  const refusals = (first ? 0 : (previous?.refusals ?? 0)) + (hold.refused ? 1 : 0);
  return {
    first,
    blocked: {
      ...ref,
      cause: hold.cause,
      ...(hold.budget === undefined ? {} : { budget: hold.budget }),
      ...(hold.disruptionsAllowed === undefined ? {} : { disruptionsAllowed: hold.disruptionsAllowed }),
      message: hold.message,
      since: first ? now : (previous?.since ?? now),
      refusals,
    },
  };
}

export function blockedEvent(blocked: BlockedPod, retryInMs: number): DrainEventInput {
  return {
    kind: "blocked",
    pod: { namespace: blocked.namespace, name: blocked.name, uid: blocked.uid },
    cause: blocked.cause,
    ...(blocked.budget === undefined ? {} : { budget: blocked.budget }),
    ...(blocked.disruptionsAllowed === undefined ? {} : { disruptionsAllowed: blocked.disruptionsAllowed }),
    message: blocked.message,
    retryInMs,
    refused: blocked.refusals > 0,
  };
}

/** The hold of a budget whose status, as the watch shows it, allows no further eviction now. */
export function budgetStatusHold(key: string, status: V1PodDisruptionBudgetStatus | undefined): Hold {
  const needs =
    status?.desiredHealthy === undefined ? "" : ` (it needs ${status.desiredHealthy} healthy pods)`;
  return {
    cause: "budget",
    budget: key,
    disruptionsAllowed: status?.disruptionsAllowed,
    message: `the disruption budget ${key} allows no further disruption now${needs}`,
    refused: false,
  };
}

import { type PodRef, podKey } from "../drain/cluster-port.js";
import type { DrainEvent } from "../drain/events.js";
import { durationText, timeText } from "../time/duration-text.js";

/** info: always shown; warn: always shown, marked; detail: only with --verbose. */
export type EventLevel = "info" | "warn" | "detail";

export interface EventLine {
  level: EventLevel;
  text: string;
}

const pod = (ref: PodRef) => podKey(ref);

/** One line describing a drain event, as a person reads it. */
export function describeDrainEvent(event: DrainEvent): EventLine {
  switch (event.kind) {
    case "started":
      return {
        level: "info",
        text: event.resumed
          ? `resuming the drain of ${event.nodeName} in phase ${event.phase} (deadline ${timeText(event.deadline)}, in ${durationText(event.deadline - event.at)})`
          : `draining ${event.nodeName} (deadline ${timeText(event.deadline)}, in ${durationText(event.deadline - event.at)})`,
      };
    case "cordoned": {
      const extras = [
        event.taint === undefined ? undefined : `tainted ${event.taint}`,
        event.excludedFromLoadBalancers ? "excluded from load balancers" : undefined,
      ].filter((extra) => extra !== undefined);
      return {
        level: "info",
        text: `cordoned ${event.nodeName}${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`,
      };
    }
    case "tier-started":
      return {
        level: "info",
        text: `tier ${event.tier}: ${event.pods} pod${event.pods === 1 ? "" : "s"} to drain`,
      };
    case "skipped":
      return {
        level: event.reason === "returning" || event.reason === "node-unreachable" ? "warn" : "detail",
        text: `${event.reason === "returning" ? "leaving" : event.reason === "node-unreachable" ? "no longer waiting for" : "skipping"} ${pod(event.pod)}: ${event.message}`,
      };
    case "caution":
      return { level: "warn", text: `evicting ${pod(event.pod)}: ${event.message}` };
    case "evicted":
      return {
        level: "info",
        text: `evicted ${pod(event.pod)} (tier ${event.tier}${event.gracePeriodSeconds === undefined ? "" : `, grace ${event.gracePeriodSeconds}s`})`,
      };
    case "blocked":
      return { level: event.cause === "multiple-budgets" ? "warn" : "info", text: blockedText(event) };
    case "retrying":
      return {
        level: "detail",
        text: `retrying ${event.operation}${event.pod === undefined ? "" : ` of ${pod(event.pod)}`} in ${durationText(event.retryInMs)}: ${event.message}`,
      };
    case "waiting":
      return {
        level: "info",
        text: `waiting for ${pod(event.pod)}${event.until === undefined ? "" : ` until ${timeText(event.until)}`}: ${event.message}`,
      };
    case "gone":
      return {
        level: "info",
        text: `gone ${pod(event.pod)}${event.replaced ? " (a replacement took its name)" : ""}`,
      };
    case "forced":
      return {
        level: "warn",
        text: `forced ${pod(event.pod)}: deleted with grace ${event.gracePeriodSeconds}s at the deadline`,
      };
    case "deadline-approaching":
      return {
        level: "warn",
        text: `deadline in ${durationText(event.remainingMs)} with ${event.podsLeft} pod${event.podsLeft === 1 ? "" : "s"} left`,
      };
    case "deadline-reached":
      return {
        level: "warn",
        text: `deadline reached with ${event.podsLeft} pod${event.podsLeft === 1 ? "" : "s"} left: ${event.policy === "force" ? "deleting them" : "leaving them on the node"}`,
      };
    case "volumes-waiting":
      return {
        level: "info",
        text: `waiting for ${event.volumes.length} volume${event.volumes.length === 1 ? "" : "s"} to detach (${event.volumes.join(", ")}) until ${timeText(event.until)}${event.detachErrors.length > 0 ? `; detach errors: ${event.detachErrors.join("; ")}` : ""}`,
      };
    case "volumes-detached":
      return event.timedOut
        ? {
            level: "warn",
            text: `gave up waiting for volumes after ${durationText(event.waitedMs)}; still attached: ${event.attachments.join(", ") || "none"}`,
          }
        : { level: "info", text: `volumes detached after ${durationText(event.waitedMs)}` };
    case "node-deleted":
      return { level: "info", text: `deleted the Node object ${event.nodeName}` };
    case "surge":
      return {
        level: event.phase === "fell-back" ? "warn" : "info",
        text: `surge ${event.workload}: ${
          event.phase === "started"
            ? ""
            : event.phase === "ready"
              ? "replacement Ready, "
              : event.phase === "restored"
                ? `replicas back to ${event.replicas}, `
                : `given up, replicas back to ${event.replicas}, `
        }${event.message}`,
      };
    case "state-saved":
      return { level: "detail", text: `saved the drain state on the node (phase ${event.phase})` };
    case "api-error":
      return {
        level: "warn",
        text: `API error in ${event.operation}${event.retryable ? " (retrying)" : ""}: ${event.message}`,
      };
    case "stopped":
      return {
        level: "warn",
        text: `stopped in phase ${event.phase} (${event.reason === "abort" ? "interrupted" : "time budget used"}); the state is saved on the node`,
      };
    case "finished":
      return {
        level: event.status === "drained" || event.status === "planned" ? "info" : "warn",
        text: `finished: ${event.status} in ${durationText(event.durationMs)} (${event.evicted} evicted, ${event.forced} forced)`,
      };
    default: {
      // A kind this version does not know yet (the engine's list grows): still a line, as a detail.
      const unknown: { kind: string } = event;
      return { level: "detail", text: `${unknown.kind}` };
    }
  }
}

function blockedText(event: Extract<DrainEvent, { kind: "blocked" }>): string {
  const retry = `retry in ${durationText(event.retryInMs)}`;
  if (event.cause === "budget") {
    const budget = event.budget === undefined ? "a PodDisruptionBudget" : `budget ${event.budget}`;
    if (event.refused === false) {
      // Held back by the drain itself, from the budget's status: no request was sent, nothing was refused.
      const allows =
        event.disruptionsAllowed === undefined
          ? "allows no disruption"
          : `allows ${event.disruptionsAllowed}`;
      return `held back: ${pod(event.pod)}, ${budget} ${allows} now; evicting as soon as its status allows`;
    }
    const allowed =
      event.disruptionsAllowed === undefined ? "" : ` (disruptionsAllowed ${event.disruptionsAllowed})`;
    return `eviction of ${pod(event.pod)} refused by ${budget}${allowed}; ${retry}`;
  }
  if (event.cause === "multiple-budgets") {
    return `${pod(event.pod)} is under more than one budget${event.budget === undefined ? "" : ` (${event.budget})`}: the Eviction API refuses it until one is removed; ${retry}`;
  }
  return `${pod(event.pod)}: its namespace is being deleted; ${retry}`;
}

import { DRAIN_EVENT_KINDS, type DrainEvent } from "../drain/events.js";
import { evictionBudgetSelects } from "../labels/label-selector.js";
import type { LogFields } from "../lifecycle/index.js";
import type { SimulatedAutoScalingGroup } from "../sim/auto-scaling-group.js";
import type { PodDisruptionBudget, RecordedRequest } from "../sim/index.js";
import type { RecordedEntry } from "../timeline/index.js";
import { drainEventFields } from "./drain-timeline.js";
import { describeDrainEvent } from "./event-text.js";

/**
 * One moment of a simulation, from whichever side saw it: a recorded entry (the pod, budget or tier it is
 * about) with its time as epoch ms.
 */
export interface TimelineEntry extends Omit<RecordedEntry, "seconds" | "source"> {
  /** Epoch ms. */
  at: number;
  /** handler: the Lambda's log; api: the API server's record; cluster: pods seen gone; auto-scaling: the group. */
  source: "handler" | "api" | "cluster" | "auto-scaling";
  /** The drain's deadline (a "started" event), epoch ms. */
  deadlineAt?: number;
}

const drainKinds = new Set<string>(DRAIN_EVENT_KINDS);

/**
 * A handler log line as a timeline entry. Drain events arrive as "drain: <kind>" with the event's fields
 * (time in ISO); they are described as the drain command describes them. Heartbeat lines are left to the
 * Auto Scaling group's own record.
 */
export function handlerEntry(
  at: number,
  level: "info" | "warn" | "error",
  message: string,
  fields: LogFields,
): TimelineEntry | undefined {
  if (message === "heartbeat recorded") return undefined;
  const kind = message.startsWith("drain: ") ? String(fields.kind ?? "") : "";
  if (drainKinds.has(kind)) {
    const eventAt = typeof fields.at === "string" ? Date.parse(fields.at) : Number.NaN;
    const event = { ...fields, at: Number.isFinite(eventAt) ? eventAt : at } as DrainEvent;
    try {
      const line = describeDrainEvent(event);
      return {
        at: event.at,
        source: "handler",
        kind,
        level: level === "info" ? line.level : level,
        text: line.text,
        ...drainEventFields(event),
      };
    } catch {
      // A drain event of an unexpected shape: fall back to the log's own words.
    }
  }
  const headline = message.startsWith("notice ");
  const summary = summaryFields(fields);
  return {
    at,
    source: "handler",
    kind: message
      .replace(/[^a-z]+/gi, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase(),
    level: level === "info" ? (headline ? "info" : "detail") : level,
    text: `handler: ${message}${summary === "" ? "" : ` (${summary})`}`,
    // A wait that ended ("targets deregistered"): how long it took, so that the report draws it.
    ...(typeof fields.waitedMs === "number" ? { waitedSeconds: fields.waitedMs / 1000 } : {}),
  };
}

function summaryFields(fields: LogFields): string {
  const keys = [
    "nodeName",
    "attempt",
    "status",
    "reason",
    "error",
    "deadline",
    "nextAttempt",
    "targetGroups",
  ];
  return keys
    .filter((key) => fields[key] !== undefined)
    .map((key) => `${key} ${typeof fields[key] === "string" ? fields[key] : JSON.stringify(fields[key])}`)
    .join(", ");
}

/** What the drainer asked the API server that a reader wants to see: evictions, refusals, forced deletes. */
export function apiEntry(
  request: RecordedRequest,
  budgetsOf: (namespace: string, name: string) => string[],
): TimelineEntry | undefined {
  if (request.resource !== "pods" || request.namespace === undefined || request.name === undefined) {
    return undefined;
  }
  const pod = `${request.namespace}/${request.name}`;
  if (request.verb === "create" && request.subresource === "eviction") {
    const budgets = budgetsOf(request.namespace, request.name);
    const about = { pod, ...(budgets[0] === undefined ? {} : { budget: budgets[0] }) };
    if (request.code === 201 || request.code === 200) {
      return { at: request.at, source: "api", kind: "evicted", level: "info", text: `evicted ${pod}`, pod };
    }
    if (request.code === 429) {
      const budget = budgets.length === 0 ? "a budget" : `budget ${budgets.join(", ")}`;
      const why =
        request.refusal === "DisruptionBudget"
          ? `${budget} allows no disruption now (disruptionsAllowed 0)`
          : request.refusal === "BudgetNotObserved"
            ? `${budget} is still being processed by the disruption controller`
            : "API throttling";
      return {
        at: request.at,
        source: "api",
        kind: "refused",
        level: "info",
        text: `429 ${pod}: ${why}`,
        ...about,
        ...(request.refusal === undefined ? {} : { reason: request.refusal }),
      };
    }
    if (request.code === 500) {
      return {
        at: request.at,
        source: "api",
        kind: "multiple-budgets",
        level: "warn",
        text: `500 ${pod}: under more than one budget (${budgets.join(", ")})`,
        ...about,
      };
    }
    return {
      at: request.at,
      source: "api",
      kind: "eviction-failed",
      level: "detail",
      text: `eviction of ${pod} answered ${request.code}`,
      pod,
    };
  }
  return undefined;
}

/** The budgets whose selector matches these labels in this namespace, by namespace/name. */
export function budgetsMatching(
  budgets: readonly PodDisruptionBudget[],
  namespace: string,
  labels: Record<string, string> | undefined,
): string[] {
  return budgets
    .filter((budget) => (budget.metadata.namespace ?? "default") === namespace)
    .filter((budget) => evictionBudgetSelects(budget.spec.selector, labels))
    .map((budget) => `${namespace}/${budget.metadata.name}`);
}

/** The group's heartbeats and completions as entries. */
export function autoScalingEntries(
  group: SimulatedAutoScalingGroup,
  seen: { heartbeats: number; completions: number },
): TimelineEntry[] {
  const heartbeats = group.heartbeats().slice(seen.heartbeats);
  const completions = group.completions().slice(seen.completions);
  seen.heartbeats += heartbeats.length;
  seen.completions += completions.length;
  return [
    ...heartbeats.map(
      (beat): TimelineEntry => ({
        at: beat.at,
        source: "auto-scaling",
        kind: "heartbeat",
        level: beat.outcome === "recorded" ? "info" : "warn",
        text:
          beat.outcome === "recorded"
            ? `heartbeat: lifecycle action of ${beat.instanceId} kept waiting`
            : `heartbeat for ${beat.instanceId}: the action was no longer waiting`,
      }),
    ),
    ...completions.map(
      (completion): TimelineEntry => ({
        at: completion.at,
        source: "auto-scaling",
        kind: "completion",
        level: completion.outcome === "completed" && completion.result === "CONTINUE" ? "info" : "warn",
        text:
          completion.outcome === "completed"
            ? `lifecycle action of ${completion.instanceId} completed with ${completion.result}`
            : `completion (${completion.result}) of ${completion.instanceId}: the action was already complete`,
      }),
    ),
  ];
}

import { podKey } from "../drain/cluster-port.js";
import type { DrainEvent } from "../drain/events.js";
import type { DrainRecord, DrainRecorder, RecordedEntry } from "../timeline/index.js";
import type { DrainDocument, DrainRecording } from "./drain-report.js";
import { describeDrainEvent } from "./event-text.js";

/** The fields of an entry that say what it is about. */
export type EntryFields = Partial<
  Pick<RecordedEntry, "pod" | "tier" | "budget" | "disruptionsAllowed" | "reason" | "waitedSeconds">
> & {
  /** The drain's deadline (a "started" event), epoch ms. */
  deadlineAt?: number;
};

/** What a drain event says about a pod, a tier, a budget or a wait, as entry fields. */
export function drainEventFields(event: DrainEvent): EntryFields {
  const fields: EntryFields = {};
  if ("pod" in event && event.pod !== undefined) fields.pod = podKey(event.pod);
  if ("tier" in event) fields.tier = event.tier;
  if (event.kind === "blocked") {
    if (event.budget !== undefined) fields.budget = event.budget;
    if (event.disruptionsAllowed !== undefined) fields.disruptionsAllowed = event.disruptionsAllowed;
    fields.reason = event.cause;
  }
  if (event.kind === "skipped" || event.kind === "waiting") fields.reason = event.message;
  if (event.kind === "volumes-detached") fields.waitedSeconds = event.waitedMs / 1000;
  if (event.kind === "started") fields.deadlineAt = event.deadline;
  return fields;
}

/** The recorder's events and budget statuses as timeline entries, seconds since `zero` (epoch ms). */
export function drainRecording(recorder: DrainRecorder, zero: number): DrainRecording {
  const seconds = (at: number) => Math.round(at - zero) / 1000;
  const pods = recorder.recordedPods();
  const covering = new Set(pods.flatMap((pod) => pod.budgets));
  const entries: RecordedEntry[] = recorder.events.map((event) => {
    const { deadlineAt: _deadline, ...fields } = drainEventFields(event);
    const line = describeDrainEvent(event);
    return {
      seconds: seconds(event.at),
      source: "drain",
      kind: event.kind,
      level: line.level,
      text: line.text,
      ...fields,
    };
  });
  for (const sample of recorder.budgetSamples) {
    if (!covering.has(sample.budget)) continue;
    entries.push({
      seconds: seconds(sample.at),
      source: "cluster",
      kind: "budget",
      level: "info",
      text: `budget ${sample.budget}: disruptionsAllowed ${sample.disruptionsAllowed} (${sample.currentHealthy} healthy, ${sample.desiredHealthy} needed)`,
      budget: sample.budget,
      disruptionsAllowed: sample.disruptionsAllowed,
      currentHealthy: sample.currentHealthy,
      desiredHealthy: sample.desiredHealthy,
    });
  }
  // Stable: events keep their order within the same millisecond.
  return { pods, timeline: entries.sort((a, b) => a.seconds - b.seconds), refusals: recorder.refusals };
}

/** A drain's JSON document as a recorded drain: what `drain --report` draws. */
export function drainRecord(document: DrainDocument, title: string): DrainRecord {
  const zero = Date.parse(document.startedAt ?? "");
  const seconds = (iso: string | undefined) =>
    iso === undefined || !Number.isFinite(zero) ? undefined : Math.round(Date.parse(iso) - zero) / 1000;
  const deadlineSeconds = seconds(document.deadline);
  const action = document.lifecycleAction;
  return {
    kind: "drain",
    title,
    node: document.node ?? "unknown node",
    ...(document.instanceId === undefined ? {} : { instanceId: document.instanceId }),
    startedAt: document.startedAt ?? "",
    outcome: `${document.status}${action === undefined ? "" : `; lifecycle action ${action.outcome}${action.outcome === "completed" ? ` with ${action.result}` : ""}`}`,
    succeeded: document.exitCode === 0,
    endSeconds: document.durationSeconds ?? 0,
    ...(deadlineSeconds === undefined ? {} : { deadlineSeconds }),
    counts: {
      evictions: document.counts?.evicted ?? 0,
      refusals: document.refusals ?? 0,
      forced: document.counts?.forced ?? 0,
    },
    pods: document.pods ?? [],
    timeline: document.timeline ?? [],
  };
}

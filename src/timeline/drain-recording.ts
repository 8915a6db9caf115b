import { podKey } from "../drain/cluster-port.js";
import type { DrainEvent } from "../drain/events.js";
import { describeDrainEvent } from "./drain-event-text.js";
import type { RecordedEntry, RecordedPod } from "./drain-record.js";
import type { DrainRecorder } from "./drain-recorder.js";

/** What a drain recorded, as `drain --output json` prints it: the node's pods and the timeline. */
export interface DrainRecording {
  pods: RecordedPod[];
  timeline: RecordedEntry[];
  /** Evictions refused (by a budget, several budgets, a terminating namespace), every retry counted. */
  refusals: number;
}

/** The fields of an entry that say what it is about. */
export type EntryFields = Partial<
  Pick<
    RecordedEntry,
    "pod" | "tier" | "budget" | "disruptionsAllowed" | "reason" | "waitedSeconds" | "returned"
  >
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
  if (event.kind === "skipped" && event.reason === "returning") fields.returned = true;
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

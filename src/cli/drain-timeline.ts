import type { DrainRecord } from "../timeline/index.js";
import type { DrainDocument } from "./drain-report.js";

export { drainEventFields, drainRecording, type EntryFields } from "../timeline/index.js";

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

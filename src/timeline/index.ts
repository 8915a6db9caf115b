/** The drain timeline's public surface: the recorded drain, its model, and its HTML report. */
export { type BudgetSeries, budgetSeries } from "./budget-series.js";
export { type CriticalPath, type CriticalStep, criticalPath } from "./critical-path.js";
export { describeDrainEvent, type EventLevel, type EventLine } from "./drain-event-text.js";
export type { DrainRecord, RecordedEntry, RecordedInvocation, RecordedPod } from "./drain-record.js";
export { type BudgetSample, DrainRecorder } from "./drain-recorder.js";
export {
  type DrainRecording,
  drainEventFields,
  drainRecording,
  type EntryFields,
} from "./drain-recording.js";
export { recordedPods, workloadOf } from "./pod-inventory.js";
export { type LaneEnd, type LaneSegment, type LaneState, type PodLane, podLanes } from "./pod-lanes.js";
export { renderDrainReport } from "./report-page.js";

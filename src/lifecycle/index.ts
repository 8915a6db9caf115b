/**
 * The lifecycle job: one transport-neutral copy of everything that turns a delivered lifecycle notice
 * into a completed lifecycle action. Every shell (the Lambda handler, the queue worker, the CLI's
 * `drain --complete-lifecycle-action`, `simulate`) imports it from here. See README.md.
 */

export { isRetryable } from "../drain/cluster-port.js";
export { type ClusterConnector, type ClusterLink, ClusterLinks, connectedCluster } from "./cluster-links.js";
export { type CompletionDecision, type DrainEnding, decideCompletion } from "./completion-policy.js";
export type { ContinuationScheduler } from "./continuation-scheduler.js";
export {
  DEADLINE_RESULTS,
  type DeadlineResult,
  ON_DEADLINE_SETTINGS,
  type OnDeadlineSetting,
  resolveDeadline,
  type SettingSpelling,
} from "./deadline-settings.js";
export { actionOf, type Delivery } from "./delivery.js";
export {
  drainMetricCatalog,
  type MetricPoint,
  type MetricsOutput,
  type MetricsSink,
  metricsNamespace,
  stdoutMetricsOutput,
} from "./drain-metrics.js";
export { type DrainNotifier, type NotifierSetup, notifierFromSettings } from "./drain-notifier.js";
export { drainPolicyOf } from "./drain-policy-settings.js";
export type { ReportStore } from "./drain-report-upload.js";
export type { DrainRun } from "./drain-run.js";
export {
  type InterruptionDelivery,
  InterruptionJob,
  type InterruptionJobDependencies,
} from "./interruption-job.js";
export { describeError, type JobLog, type LogFields, withKeys } from "./job-log.js";
export {
  defaultTiming,
  type JobTiming,
  LifecycleJob,
  type LifecycleJobDependencies,
} from "./lifecycle-job.js";
export { LIFECYCLE_RECORD_ANNOTATION } from "./lifecycle-record.js";
export { LogRedactor, redactedLog } from "./log-redaction.js";
export { CompletionError, NoticeError } from "./notice-error.js";
export type { NoticeOutcome } from "./notice-outcome.js";
export type { TelemetrySetup } from "./notice-telemetry.js";
export { readSettings, type Settings, SettingsError, settingsSchema } from "./settings.js";

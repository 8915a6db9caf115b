import type { V1Node } from "@kubernetes/client-node";
import type { Clock } from "../drain/clock.js";
import { isRetryable } from "../drain/cluster-port.js";
import type { DrainEvent, DrainObserver } from "../drain/events.js";
import type { TerminationNotice } from "../events/termination-notice.js";
import type { DrainEventReporter } from "../kube/drain-event-reporter.js";
import type { EventWriteBudgetOptions } from "../kube/event-write-budget.js";
import type { KubeClient } from "../kube/kube-client.js";
import { nodeDrainEvents } from "../kube/node-drain-events.js";
import type { DrainEnding } from "./completion-policy.js";
import { DrainMetrics, type MetricsOutput, type MetricsSink } from "./drain-metrics.js";
import {
  type DrainNotification,
  type DrainSummary,
  drainFailed,
  drainFinished,
  drainStarted,
  type NotificationSubject,
} from "./drain-notification.js";
import type { DrainNotifier } from "./drain-notifier.js";
import type { DrainRun } from "./drain-run.js";
import { describeError, type JobLog, type NoticeLogKeys, withKeys } from "./job-log.js";
import type { NoticeOutcome } from "./notice-outcome.js";
import type { TargetProgress } from "./target-deregistration.js";

/** What the handler shares between notices: where logs, metrics, events and notifications go. */
export interface TelemetrySetup {
  log: JobLog;
  clock: Clock;
  /** EMF documents go here (the Lambda). */
  metrics?: MetricsOutput;
  /** Measurements go here (the worker's Prometheus registry). No metrics without either. */
  metricsSink?: MetricsSink;
  notifier?: DrainNotifier;
  /** Kubernetes Events on the node and its pods; off when false. */
  kubeEvents?: false | { budget?: EventWriteBudgetOptions; batchIntervalMs?: number };
}

/** Event write failures logged one by one at most; the rest are counted. */
const LOGGED_EVENT_FAILURES = 3;

/**
 * The observability of one notice's handling: a log whose every line carries the notice's keys (instanceId,
 * asg, hook, then cluster and node), its metrics, the Kubernetes Events on its node, and its notifications.
 * The runner tells it what happens; `settle` (awaited before the invocation returns) flushes the events,
 * publishes the metrics and waits for the notifications. Nothing here can fail the drain.
 */
export class NoticeTelemetry {
  private keys: NoticeLogKeys;
  private scoped: JobLog;
  private readonly metrics: DrainMetrics | undefined;
  private events: DrainEventReporter | undefined;
  private readonly subject: NotificationSubject;
  private readonly pending = new Set<Promise<void>>();
  private ending: DrainEnding | undefined;
  private run: DrainRun | undefined;
  private reportUri: string | undefined;
  private eventFailures = 0;

  readonly observer: DrainObserver = (event) => this.onDrainEvent(event);

  /** The notice's log: every line carries its keys, those learnt later (cluster, node) included. */
  readonly log: JobLog = {
    info: (message, fields) => this.scoped.info(message, fields),
    warn: (message, fields) => this.scoped.warn(message, fields),
    error: (message, fields) => this.scoped.error(message, fields),
    child: (keys) => withKeys(this.scoped, keys),
  };

  constructor(
    private readonly setup: TelemetrySetup,
    private readonly notice: TerminationNotice,
  ) {
    this.keys = { instanceId: notice.instanceId, asg: notice.asgName, hook: notice.hookName };
    this.scoped = withKeys(setup.log, { ...this.keys });
    this.subject = { instanceId: notice.instanceId, asgName: notice.asgName, hookName: notice.hookName };
    this.metrics =
      setup.metrics === undefined && setup.metricsSink === undefined
        ? undefined
        : new DrainMetrics({
            output: setup.metrics,
            sink: setup.metricsSink,
            clock: setup.clock,
            asgName: notice.asgName,
            onWarning: (message) => this.scoped.warn("metric refused", { problem: message }),
          });
  }

  clusterResolved(clusterName: string): void {
    this.addKeys({ cluster: clusterName });
    this.subject.clusterName = clusterName;
    if (this.metrics !== undefined) this.metrics.cluster = clusterName;
  }

  nodeFound(client: KubeClient, node: V1Node): void {
    const nodeName = node.metadata?.name ?? "";
    this.addKeys({ node: nodeName });
    this.subject.nodeName = nodeName;
    const settings = this.setup.kubeEvents;
    if (settings === false) return;
    const uid = node.metadata?.uid;
    this.events = nodeDrainEvents(client, {
      nodeName,
      ...(uid === undefined ? {} : { nodeUid: uid }),
      trigger:
        `termination of instance ${this.notice.instanceId} (Auto Scaling group ${this.notice.asgName}, ` +
        `lifecycle hook ${this.notice.hookName})`,
      clock: this.setup.clock,
      onError: (error) => this.eventWriteFailed(error),
      ...(settings?.budget === undefined ? {} : { budget: settings.budget }),
      ...(settings?.batchIntervalMs === undefined ? {} : { batchIntervalMs: settings.batchIntervalMs }),
    });
  }

  drainRan(run: DrainRun): void {
    this.run = run;
  }

  /** The drain's HTML report was written here: the drain-finished notification names it. */
  reportWritten(uri: string): void {
    this.reportUri = uri;
  }

  reportFailed(): void {
    this.metrics?.reportFailed();
  }

  /** How the drain ended, as handed to the completion policy. */
  drainEnded(ending: DrainEnding): void {
    this.ending = ending;
    this.metrics?.outcome(ending.kind);
    if (ending.kind === "failed") {
      this.events?.report({ kind: "drain-error", at: this.setup.clock.now(), message: ending.message });
    }
  }

  /** The wait for target deregistration: Kubernetes Events on the node name the groups still draining. */
  targetsProgress(progress: TargetProgress): void {
    const { at, targetGroups } = progress;
    switch (progress.kind) {
      case "waiting":
        this.events?.report({ kind: "targets-waiting", at, targetGroups, until: progress.until });
        return;
      case "deregistered":
        this.events?.report({ kind: "targets-deregistered", at, targetGroups, waitedMs: progress.waitedMs });
        return;
      case "timed-out":
        this.events?.report({ kind: "targets-timed-out", at, targetGroups, waitedMs: progress.waitedMs });
        return;
    }
  }

  closed(outcome: NoticeOutcome): void {
    const at = this.setup.clock.now();
    if (outcome.kind !== "completed" && outcome.kind !== "left-to-default-result") return;
    const result = outcome.kind === "completed" ? outcome.result : "DEFAULT-RESULT";
    const reason =
      outcome.kind === "completed" && outcome.completion === "already-complete"
        ? `${outcome.reason} (the action had already ended)`
        : outcome.reason;
    this.metrics?.lifecycleActionEnded(result);
    this.events?.report({
      kind: "lifecycle-action-completed",
      at,
      instanceId: this.notice.instanceId,
      result,
      reason,
    });
    const ending = this.ending?.kind;
    if (ending === "drained" || ending === "deadline-forced" || ending === "deadline-reached") {
      this.send(drainFinished({ ...this.subject }, at, this.summary(ending, result, reason)));
    }
  }

  failed(error: unknown): void {
    this.metrics?.noticeFailed();
    const retryable = isRetryable(error);
    // A drain that failed is worth a word; so is a notice that no retry can help. A retryable hiccup before
    // the drain (throttling, a busy lease) is not: it is retried, and the dead-letter queue's alarm watches.
    if (this.ending?.kind === "failed" || !retryable) {
      this.send(
        drainFailed({ ...this.subject }, this.setup.clock.now(), {
          message: describeError(error),
          retryable,
        }),
      );
    }
  }

  /** Flushes events, publishes metrics, waits for notifications. Never rejects. */
  async settle(): Promise<void> {
    try {
      while (this.pending.size > 0) await Promise.all([...this.pending]);
      await this.events?.flush();
      if (this.eventFailures > LOGGED_EVENT_FAILURES) {
        this.scoped.warn("Kubernetes event writes failed", { failures: this.eventFailures });
      }
      this.metrics?.publish();
    } catch (error) {
      this.scoped.warn("telemetry could not be completed", { error: describeError(error) });
    }
  }

  private onDrainEvent(event: DrainEvent): void {
    this.metrics?.observe(event);
    this.events?.observe(event);
    if (event.kind === "started" && !event.resumed) {
      this.send(drainStarted({ ...this.subject }, event.at, event.deadline));
    }
  }

  private summary(ending: string, result: string, reason: string): DrainSummary {
    const drained = this.run?.result;
    const report = this.reportUri === undefined ? {} : { report: this.reportUri };
    if (drained === undefined) return { ending, result, reason, ...report };
    return {
      ending,
      result,
      reason,
      ...report,
      evicted: drained.counts.evicted,
      forced: drained.counts.forced,
      durationMs: drained.timings.totalMs,
    };
  }

  private send(notification: DrainNotification): void {
    const notifier = this.setup.notifier;
    if (notifier === undefined) return;
    const sending = notifier.notify(notification).then(
      (failures) => {
        for (const failure of failures) {
          this.metrics?.notificationFailed();
          this.scoped.warn("notification failed; the drain goes on", {
            channel: failure.channel,
            notification: notification.kind,
            error: describeError(failure.error),
          });
        }
        const sent = notifier.channels.filter((channel) => !failures.some((f) => f.channel === channel));
        if (sent.length > 0)
          this.scoped.info("notification sent", { notification: notification.kind, channels: sent });
      },
      (error: unknown) => this.scoped.warn("notification failed", { error: describeError(error) }),
    );
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  private addKeys(keys: NoticeLogKeys): void {
    this.keys = { ...this.keys, ...keys };
    this.scoped = withKeys(this.setup.log, { ...this.keys });
  }

  private eventWriteFailed(error: Error): void {
    this.eventFailures += 1;
    if (this.eventFailures <= LOGGED_EVENT_FAILURES) {
      this.scoped.warn("writing a Kubernetes event failed", { error: describeError(error) });
    }
  }
}

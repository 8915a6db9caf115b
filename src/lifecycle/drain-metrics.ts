import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Clock } from "../drain/clock.js";
import type { DrainEvent } from "../drain/events.js";

/**
 * Every metric the drainer publishes, in one list. The Lambda writes them as CloudWatch Embedded Metric Format
 * documents (JSON lines on stdout that CloudWatch Logs turns into metrics: no PutMetricData call, no IAM
 * grant), in the namespace below, with the dimensions ClusterName and AutoScalingGroupName, plus the one
 * named by `dimension` for the metrics split by it. The queue worker serves the same on /metrics under
 * their `prometheus` names (labels cluster, asg, and the split dimension in lower case; the duration a
 * histogram). docs/observability.md lists them too.
 */
export const metricsNamespace = "EksNodeDrainer";

export const drainMetricCatalog = {
  drainDuration: {
    name: "DrainDuration",
    prometheus: "eks_node_drainer_drain_duration_seconds",
    unit: MetricUnit.Seconds,
    when: "a drain ends (drained, forced at the deadline, stopped with pods left, failed): from its first start, over all invocations",
  },
  podsEvicted: {
    name: "PodsEvicted",
    prometheus: "eks_node_drainer_pods_evicted_total",
    unit: MetricUnit.Count,
    when: "evictions accepted in the invocation",
  },
  evictionsBlocked: {
    name: "EvictionsBlocked",
    prometheus: "eks_node_drainer_evictions_blocked_total",
    unit: MetricUnit.Count,
    when: "pods whose eviction was refused in the invocation (a budget, several budgets, a terminating namespace)",
  },
  podsForceDeleted: {
    name: "PodsForceDeleted",
    prometheus: "eks_node_drainer_pods_force_deleted_total",
    unit: MetricUnit.Count,
    when: "pods deleted at the deadline in the invocation",
  },
  drainOutcome: {
    name: "DrainOutcome",
    prometheus: "eks_node_drainer_drain_outcomes_total",
    unit: MetricUnit.Count,
    dimension: "Outcome",
    when: "a notice's drain ends: drained, deadline-forced, deadline-reached, no-node, action-gone, failed",
  },
  lifecycleActionsCompleted: {
    name: "LifecycleActionsCompleted",
    prometheus: "eks_node_drainer_lifecycle_actions_completed_total",
    unit: MetricUnit.Count,
    dimension: "Result",
    when: "the lifecycle action is completed (CONTINUE, ABANDON) or left to the hook's DefaultResult (DEFAULT-RESULT)",
  },
  drainContinuations: {
    name: "DrainContinuations",
    prometheus: "eks_node_drainer_drain_continuations_total",
    unit: MetricUnit.Count,
    when: "an invocation's time ran out and a continuation was scheduled",
  },
  noticeFailures: {
    name: "NoticeFailures",
    prometheus: "eks_node_drainer_notice_failures_total",
    unit: MetricUnit.Count,
    when: "a notice is given back for a retry (SQS batch item failure or failed invocation)",
  },
  notificationFailures: {
    name: "NotificationFailures",
    prometheus: "eks_node_drainer_notification_failures_total",
    unit: MetricUnit.Count,
    when: "an SNS or webhook notification could not be sent (the drain goes on)",
  },
  reportFailures: {
    name: "ReportFailures",
    prometheus: "eks_node_drainer_report_failures_total",
    unit: MetricUnit.Count,
    when: "a drain's HTML report could not be written to REPORT_BUCKET (the drain and its completion go on)",
  },
} as const;

/** Where the EMF documents go, one JSON line each; stdout in Lambda. */
export type MetricsOutput = (line: string) => void;

export const stdoutMetricsOutput: MetricsOutput = (line) => {
  process.stdout.write(`${line}\n`);
};

/** One measurement of the catalog: a count or a duration, with the value of its split dimension if any. */
export interface MetricPoint {
  key: keyof typeof drainMetricCatalog;
  value: number;
  /** The Outcome or Result of the metrics split by one. */
  split?: string;
}

/** Where measurements go besides EMF documents (the queue worker's Prometheus registry). */
export interface MetricsSink {
  record(points: readonly MetricPoint[], labels: { cluster: string; asg: string }): void;
}

export interface DrainMetricsOptions {
  /** EMF documents, one JSON line each (the Lambda). */
  output?: MetricsOutput | undefined;
  /** Measurements as points (the worker). */
  sink?: MetricsSink | undefined;
  clock: Clock;
  asgName: string;
  namespace?: string;
  /** Told about metrics Powertools refuses (a bad value, a timestamp out of range). */
  onWarning?: (message: string) => void;
}

type Catalog = typeof drainMetricCatalog;
type CountName = "podsEvicted" | "evictionsBlocked" | "podsForceDeleted" | "drainContinuations";
type SplitName = "drainOutcome" | "lifecycleActionsCompleted";

/**
 * The metrics of one notice's handling in one invocation: counted from the drain's events and the
 * handler's decisions, then published once, at the end, as EMF documents.
 */
export class DrainMetrics {
  private clusterName = "unknown";
  private drainRan = false;
  private readonly counts: Record<
    CountName | "noticeFailures" | "notificationFailures" | "reportFailures",
    number
  > = {
    podsEvicted: 0,
    evictionsBlocked: 0,
    podsForceDeleted: 0,
    drainContinuations: 0,
    noticeFailures: 0,
    notificationFailures: 0,
    reportFailures: 0,
  };
  private durationSeconds: number | undefined;
  private readonly splits: { key: "drainOutcome" | "lifecycleActionsCompleted"; value: string }[] = [];

  constructor(private readonly options: DrainMetricsOptions) {}

  set cluster(name: string) {
    this.clusterName = name;
  }

  observe(event: DrainEvent): void {
    switch (event.kind) {
      case "started":
        this.drainRan = true;
        return;
      case "evicted":
        this.counts.podsEvicted += 1;
        return;
      case "blocked":
        this.counts.evictionsBlocked += 1;
        return;
      case "forced":
        this.counts.podsForceDeleted += 1;
        return;
      case "finished":
        this.drainRan = true;
        if (event.status !== "planned" && event.status !== "in-progress") {
          this.durationSeconds = event.durationMs / 1000;
        }
        return;
      default:
        return;
    }
  }

  outcome(outcome: string): void {
    if (outcome === "out-of-time") {
      this.counts.drainContinuations += 1;
      return;
    }
    this.splits.push({ key: "drainOutcome", value: outcome });
  }

  lifecycleActionEnded(result: "CONTINUE" | "ABANDON" | "DEFAULT-RESULT"): void {
    this.splits.push({ key: "lifecycleActionsCompleted", value: result });
  }

  noticeFailed(): void {
    this.counts.noticeFailures += 1;
  }

  notificationFailed(): void {
    this.counts.notificationFailures += 1;
  }

  reportFailed(): void {
    this.counts.reportFailures += 1;
  }

  /** Writes the documents (nothing when nothing happened) and starts over. */
  publish(): void {
    const points = this.points();
    this.reset();
    if (points.length === 0) return;
    const labels = { cluster: this.clusterName, asg: this.options.asgName };
    this.options.sink?.record(points, labels);
    if (this.options.output === undefined) return;
    const lines: string[] = [];
    const at = this.options.clock.now();
    const main = this.document(at);
    for (const point of points) if (point.split === undefined) this.add(main, point.key, point.value);
    if (main.hasStoredMetrics()) lines.push(JSON.stringify(main.serializeMetrics()));
    for (const point of points) {
      if (point.split === undefined) continue;
      const entry = drainMetricCatalog[point.key as SplitName];
      const document = this.document(at);
      document.addDimension(entry.dimension, point.split);
      this.add(document, point.key, point.value);
      lines.push(JSON.stringify(document.serializeMetrics()));
    }
    for (const line of lines) this.options.output(line);
  }

  /** What this handling of a notice measured, in catalog order; splits (one per outcome) last. */
  private points(): MetricPoint[] {
    const points: MetricPoint[] = [];
    const counted: CountName[] = ["podsEvicted", "evictionsBlocked", "podsForceDeleted"];
    if (this.drainRan) for (const key of counted) points.push({ key, value: this.counts[key] });
    if (this.durationSeconds !== undefined)
      points.push({ key: "drainDuration", value: this.durationSeconds });
    for (const key of [
      "drainContinuations",
      "noticeFailures",
      "notificationFailures",
      "reportFailures",
    ] as const) {
      if (this.counts[key] > 0) points.push({ key, value: this.counts[key] });
    }
    for (const split of this.splits) points.push({ key: split.key, value: 1, split: split.value });
    return points;
  }

  /** An EMF document with exactly the dimensions ClusterName and AutoScalingGroupName (no `service`). */
  private document(at: number): Metrics {
    const warn = (...content: unknown[]) => this.options.onWarning?.(content.map(String).join(" "));
    const metrics = new Metrics({
      namespace: this.options.namespace ?? metricsNamespace,
      logger: { debug: () => {}, info: () => {}, warn, error: warn },
    });
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({
      ClusterName: this.clusterName,
      AutoScalingGroupName: this.options.asgName,
    });
    metrics.setTimestamp(at);
    return metrics;
  }

  private add(metrics: Metrics, key: keyof Catalog, value: number): void {
    const entry = drainMetricCatalog[key];
    metrics.addMetric(entry.name, entry.unit, value);
  }

  private reset(): void {
    this.drainRan = false;
    this.durationSeconds = undefined;
    this.splits.length = 0;
    for (const name of Object.keys(this.counts) as (keyof typeof this.counts)[]) this.counts[name] = 0;
  }
}

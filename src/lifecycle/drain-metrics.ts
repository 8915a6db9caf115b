import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Clock } from "../drain/clock.js";
import type { DrainEvent } from "../drain/events.js";

/**
 * Every CloudWatch metric the Lambda publishes, in one list. They are written as Embedded Metric Format
 * documents (JSON lines on stdout that CloudWatch Logs turns into metrics: no PutMetricData call, no IAM
 * grant), in the namespace below, with the dimensions ClusterName and AutoScalingGroupName, plus the one
 * named by `dimension` for the metrics split by it. docs/observability.md lists them too.
 */
export const metricsNamespace = "EksNodeDrainer";

export const drainMetricCatalog = {
  drainDuration: {
    name: "DrainDuration",
    unit: MetricUnit.Seconds,
    when: "a drain ends (drained, forced at the deadline, stopped with pods left, failed): from its first start, over all invocations",
  },
  podsEvicted: { name: "PodsEvicted", unit: MetricUnit.Count, when: "evictions accepted in the invocation" },
  evictionsBlocked: {
    name: "EvictionsBlocked",
    unit: MetricUnit.Count,
    when: "pods whose eviction was refused in the invocation (a budget, several budgets, a terminating namespace)",
  },
  podsForceDeleted: {
    name: "PodsForceDeleted",
    unit: MetricUnit.Count,
    when: "pods deleted at the deadline in the invocation",
  },
  drainOutcome: {
    name: "DrainOutcome",
    unit: MetricUnit.Count,
    dimension: "Outcome",
    when: "a notice's drain ends: drained, deadline-forced, deadline-reached, no-node, action-gone, failed",
  },
  lifecycleActionsCompleted: {
    name: "LifecycleActionsCompleted",
    unit: MetricUnit.Count,
    dimension: "Result",
    when: "the lifecycle action is completed (CONTINUE, ABANDON) or left to the hook's DefaultResult (DEFAULT-RESULT)",
  },
  drainContinuations: {
    name: "DrainContinuations",
    unit: MetricUnit.Count,
    when: "an invocation's time ran out and a continuation was scheduled",
  },
  noticeFailures: {
    name: "NoticeFailures",
    unit: MetricUnit.Count,
    when: "a notice is given back for a retry (SQS batch item failure or failed invocation)",
  },
  notificationFailures: {
    name: "NotificationFailures",
    unit: MetricUnit.Count,
    when: "an SNS or webhook notification could not be sent (the drain goes on)",
  },
} as const;

/** Where the EMF documents go, one JSON line each; stdout in Lambda. */
export type MetricsOutput = (line: string) => void;

export const stdoutMetricsOutput: MetricsOutput = (line) => {
  process.stdout.write(`${line}\n`);
};

export interface DrainMetricsOptions {
  output: MetricsOutput;
  clock: Clock;
  asgName: string;
  namespace?: string;
  /** Told about metrics Powertools refuses (a bad value, a timestamp out of range). */
  onWarning?: (message: string) => void;
}

type Catalog = typeof drainMetricCatalog;
type CountName = "podsEvicted" | "evictionsBlocked" | "podsForceDeleted" | "drainContinuations";

/**
 * The metrics of one notice's handling in one invocation: counted from the drain's events and the
 * handler's decisions, then published once, at the end, as EMF documents.
 */
export class DrainMetrics {
  private clusterName = "unknown";
  private drainRan = false;
  private readonly counts: Record<CountName | "noticeFailures" | "notificationFailures", number> = {
    podsEvicted: 0,
    evictionsBlocked: 0,
    podsForceDeleted: 0,
    drainContinuations: 0,
    noticeFailures: 0,
    notificationFailures: 0,
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

  /** Writes the documents (nothing when nothing happened) and starts over. */
  publish(): void {
    const lines: string[] = [];
    const at = this.options.clock.now();
    const counted: CountName[] = ["podsEvicted", "evictionsBlocked", "podsForceDeleted"];
    const main = this.document(at);
    if (this.drainRan) for (const name of counted) this.add(main, name, this.counts[name]);
    if (this.durationSeconds !== undefined) this.add(main, "drainDuration", this.durationSeconds);
    for (const name of ["drainContinuations", "noticeFailures", "notificationFailures"] as const) {
      if (this.counts[name] > 0) this.add(main, name, this.counts[name]);
    }
    if (main.hasStoredMetrics()) lines.push(JSON.stringify(main.serializeMetrics()));
    for (const split of this.splits) {
      const entry = drainMetricCatalog[split.key];
      const document = this.document(at);
      document.addDimension(entry.dimension, split.value);
      this.add(document, split.key, 1);
      lines.push(JSON.stringify(document.serializeMetrics()));
    }
    this.reset();
    for (const line of lines) this.options.output(line);
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

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { drainMetricCatalog, type MetricPoint, type MetricsSink } from "../lifecycle/index.js";

type CatalogKey = keyof typeof drainMetricCatalog;

/** Buckets of the drain duration histogram, seconds: from a quick drain to the 48 h a hook may wait. */
const durationBuckets = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400, 172_800];

/**
 * The queue worker's Prometheus registry: the drain metrics the Lambda publishes as EMF, under the
 * catalog's Prometheus names (labels `cluster`, `asg`, and `outcome` or `result` for the split ones; the
 * duration a histogram), plus the worker's own messages and the process's default metrics.
 */
export class WorkerMetrics implements MetricsSink {
  private readonly registry = new Registry();
  private readonly counters = new Map<CatalogKey, Counter>();
  private readonly duration: Histogram;
  private readonly messages: Counter;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "eks_node_drainer_" });
    for (const [key, entry] of Object.entries(drainMetricCatalog) as [
      CatalogKey,
      (typeof drainMetricCatalog)[CatalogKey],
    ][]) {
      if (key === "drainDuration") continue;
      const split = "dimension" in entry ? [entry.dimension.toLowerCase()] : [];
      this.counters.set(
        key,
        new Counter({
          name: entry.prometheus,
          help: `${entry.name}: ${entry.when}`,
          labelNames: ["cluster", "asg", ...split],
          registers: [this.registry],
        }),
      );
    }
    this.duration = new Histogram({
      name: drainMetricCatalog.drainDuration.prometheus,
      help: `${drainMetricCatalog.drainDuration.name}: ${drainMetricCatalog.drainDuration.when}`,
      labelNames: ["cluster", "asg"],
      buckets: durationBuckets,
      registers: [this.registry],
    });
    this.messages = new Counter({
      name: "eks_node_drainer_queue_messages_total",
      help: "queue messages settled by the worker, by result: an outcome kind (deleted), failed, handed-back",
      labelNames: ["result"],
      registers: [this.registry],
    });
  }

  record(points: readonly MetricPoint[], labels: { cluster: string; asg: string }): void {
    for (const point of points) {
      if (point.key === "drainDuration") {
        this.duration.observe(labels, point.value);
        continue;
      }
      const entry = drainMetricCatalog[point.key];
      const split =
        "dimension" in entry && point.split !== undefined
          ? { [entry.dimension.toLowerCase()]: point.split }
          : {};
      this.counters.get(point.key)?.inc({ ...labels, ...split }, point.value);
    }
  }

  messageSettled(result: string): void {
    this.messages.inc({ result });
  }

  /** A gauge of the messages being handled, read at each scrape. */
  watchInFlight(read: () => number): void {
    new Gauge({
      name: "eks_node_drainer_queue_messages_in_flight",
      help: "queue messages the worker is handling now",
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

import type { Clock } from "../drain/clock.js";
import type { ClusterPort } from "../drain/cluster-port.js";
import type { DrainObserver } from "../drain/events.js";
import type { DrainPolicy } from "../drain/policy.js";
import type { DrainRecord } from "../timeline/drain-record.js";
import { DrainRecorder } from "../timeline/drain-recorder.js";
import { drainRecording } from "../timeline/drain-recording.js";
import type { DrainRun } from "./drain-run.js";
import { describeError, type JobLog } from "./job-log.js";

/** Where the drain reports go (an S3 bucket: `REPORT_BUCKET`). */
export interface ReportStore {
  /** Stores the page under `key` and answers its address (`s3://bucket/key`). */
  put(key: string, html: string): Promise<string>;
}

export interface ReportFacts {
  clusterName: string;
  nodeName: string;
  instanceId: string;
  run: DrainRun;
}

/** Drain endings after which the report is written: the drain is over (a continuation comes otherwise). */
const finalEndings = new Set(["drained", "deadline-forced", "deadline-reached"]);

/**
 * One run of a drain, recorded for its HTML report: the engine's observer events and, through `watching`,
 * the pods and budget statuses the engine's own lists and watches see (no request of its own). When the
 * drain is over, `write` renders the page and puts it under `<cluster>/<node>/<drain start, ISO>.html`.
 * A continuation records only its own run: the report of a drain that took several invocations shows the
 * last one (with the pods still on the node then).
 */
export class DrainReportUpload {
  private readonly recorder: DrainRecorder;
  private readonly runStartedAt: number;
  private drainStartedAt: number | undefined;

  constructor(
    private readonly store: ReportStore,
    private readonly clock: Clock,
    policy: DrainPolicy,
  ) {
    this.recorder = new DrainRecorder(clock, policy);
    this.runStartedAt = clock.now();
  }

  readonly observe: DrainObserver = (event) => {
    if (event.kind === "started") this.drainStartedAt = event.startedAt;
    this.recorder.observe(event);
  };

  watching(port: ClusterPort): ClusterPort {
    return this.recorder.watching(port);
  }

  /**
   * Renders and stores the report when the drain is over; answers its address, or undefined when there is
   * none (the drain goes on in a continuation) or it could not be written (logged; `onFailure` told). Never
   * rejects.
   */
  async write(facts: ReportFacts, log: JobLog, onFailure: () => void): Promise<string | undefined> {
    const { run } = facts;
    if (run.result === undefined || !finalEndings.has(run.ending.kind)) return undefined;
    const zero = this.drainStartedAt ?? this.runStartedAt;
    const key = `${facts.clusterName}/${facts.nodeName}/${new Date(zero).toISOString()}.html`;
    try {
      const { renderDrainReport } = await import("../timeline/report-page.js");
      const uri = await this.store.put(key, renderDrainReport(this.record(facts, zero)));
      log.info("report written", { reportUri: uri });
      return uri;
    } catch (error) {
      onFailure();
      log.warn("report not written; the drain goes on", { reportKey: key, error: describeError(error) });
      return undefined;
    }
  }

  private record(facts: ReportFacts, zero: number): DrainRecord {
    const { run } = facts;
    const result = run.result;
    const recording = drainRecording(this.recorder, zero);
    const seconds = (at: number) => Math.round(at - zero) / 1000;
    return {
      kind: "drain",
      title: `drain of ${facts.nodeName} (instance ${facts.instanceId}, cluster ${facts.clusterName})`,
      node: facts.nodeName,
      instanceId: facts.instanceId,
      startedAt: new Date(zero).toISOString(),
      outcome: `${result?.status ?? run.ending.kind}`,
      succeeded: run.ending.kind === "drained",
      endSeconds: seconds(this.clock.now()),
      ...(result === undefined ? {} : { deadlineSeconds: seconds(result.deadline) }),
      counts: {
        evictions: result?.counts.evicted ?? 0,
        refusals: recording.refusals,
        forced: result?.counts.forced ?? 0,
        heartbeats: run.heartbeats,
      },
      pods: recording.pods,
      timeline: recording.timeline,
    };
  }
}

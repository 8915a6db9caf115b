/**
 * A recorded drain: what happened (or, for a plan, what is expected to happen) to a node and each of its
 * pods, in time order. It is the `timeline` and `pods` that `simulate --output json` and
 * `drain --output json` print, plus the header facts of those documents; the HTML report is drawn from it
 * and from nothing else, so the text, the JSON and the picture cannot disagree.
 */

/** One moment of a drain, from whichever side saw it. */
export interface RecordedEntry {
  /** Seconds since the record's start (the lifecycle event, or the drain's start). */
  seconds: number;
  /**
   * Who saw it. drain: the engine's observer; handler: the Lambda's log; api: the API server's record of a
   * request; cluster: a watch (pods gone, budget statuses); auto-scaling: the group; plan: an estimate.
   */
  source: "drain" | "handler" | "api" | "cluster" | "auto-scaling" | "plan";
  kind: string;
  level: "info" | "warn" | "error" | "detail";
  text: string;
  /** The pod it is about, namespace/name. */
  pod?: string;
  tier?: string;
  /** The budget it is about (or that refused an eviction), namespace/name. */
  budget?: string;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  /** Why (a skip or wait reason, a refusal cause). */
  reason?: string;
  /** How long a wait that ends here took (volumes detaching, targets deregistering), seconds. */
  waitedSeconds?: number;
  /** A skipped pod that came back to the node (it tolerates the cordon) after its owner's evictions. */
  returned?: boolean;
}

/** A pod on the node when the drain started. */
export interface RecordedPod {
  /** namespace/name. */
  pod: string;
  /** Its controller, as "Kind namespace/name" (a ReplicaSet's Deployment when it has one), or "no controller". */
  workload: string;
  /** The tier the drain empties it in (ordinary, critical, daemonset). */
  tier: string;
  /** Budgets covering it, namespace/name. */
  budgets: string[];
}

/** A Lambda invocation (or worker attempt) that carried the drain. */
export interface RecordedInvocation {
  attempt: number;
  startedAtSeconds: number;
  endedAtSeconds: number;
  outcome?: string;
  error?: string;
}

export interface DrainRecord {
  /** simulation: the production path on a simulated cluster; drain: a real drain; plan: a prediction. */
  kind: "simulation" | "drain" | "plan";
  /** A title line: the scenario, or the command. */
  title: string;
  node: string;
  instanceId?: string;
  /** The record's zero, ISO 8601. */
  startedAt: string;
  /** How it ended, in a few words ("drained", "completed with CONTINUE", "deadline-forced"). */
  outcome: string;
  /** Whether that outcome is the one wanted (drawn green, else red). */
  succeeded: boolean;
  /** Seconds from the start to the end of the record. */
  endSeconds: number;
  /** The drain's deadline, seconds since the start. */
  deadlineSeconds?: number;
  counts: { evictions: number; refusals: number; forced: number; heartbeats?: number };
  pods: RecordedPod[];
  timeline: RecordedEntry[];
  invocations?: RecordedInvocation[];
}

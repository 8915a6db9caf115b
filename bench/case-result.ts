import type { CliRun } from "./cli-drain.js";
import type { CriticalPath } from "./critical-path.js";
import type { ServerFigures } from "./drain-figures.js";

/** Our drain(s) of a scenario, run by the drain worker in its own process. */
export interface OurRun {
  /** The longest drainNode call (the only one for a single node), s. */
  drainSeconds: number;
  /** Drains by final status. */
  statuses: Record<string, number>;
  evicted: number;
  /** Peak RSS of the worker process, KB. */
  maxRssKb: number;
  /** The worker process from spawn to exit, s. */
  processSeconds: number;
  errors: string[];
  server: ServerFigures;
  /** The drained workloads, until their replacements were Ready (AvailabilityEntry of src/sim). */
  availability: WorkloadAvailability;
}

/** The drained workloads' worst moments: seconds with no Ready pod, and the fewest Ready. */
export interface WorkloadAvailability {
  /** The largest zeroReadySeconds of the workloads that had pods on the drained nodes. */
  zeroReadySeconds: number;
  /** Every one of them has its replicas, strategy and annotations as before. */
  restored: boolean;
}

export interface KubectlResult {
  exitCode: number | null;
  processSeconds: number;
  server: ServerFigures;
  availability: WorkloadAvailability;
  outputTail: string;
}

export interface TargetResult {
  name: string;
  status: "PASS" | "FAIL" | "SKIPPED";
  limit?: string;
  measured?: string;
}

/** One line per target: its status, its name, its limit and what was measured. */
export function targetLines(targets: readonly TargetResult[]): string[] {
  return targets.map((target) => {
    const figures =
      target.status === "SKIPPED" ? "" : ` (limit ${target.limit}, measured ${target.measured})`;
    return `  ${target.status.padEnd(7)} ${target.name}${figures}`;
  });
}

export interface CaseResult {
  id: string;
  title: string;
  scenarioFile: string;
  drainedNodes: number;
  /** Pods on the drained nodes when the drain starts (DaemonSet and mirror pods included). */
  podsOnNodes: number;
  criticalPath: CriticalPath;
  ours: OurRun;
  /** The HTML timeline of our drain (the first node's, for a fleet). */
  report?: string;
  kubectl?: KubectlResult;
  cli?: CliRun & { server: ServerFigures };
  /** Why a comparison was not run. */
  skipped: string[];
  targets: TargetResult[];
}

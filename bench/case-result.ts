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
}

export interface KubectlResult {
  exitCode: number | null;
  processSeconds: number;
  server: ServerFigures;
  outputTail: string;
}

export interface TargetResult {
  name: string;
  status: "PASS" | "FAIL" | "SKIPPED";
  limit?: string;
  measured?: string;
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

import type { SimCluster } from "../../../src/sim/index.js";

/** Counts of one fault test, printed so that they can be quoted ("12 runs, 340 faults, 0 violations"). */
export interface FaultTally {
  runs: number;
  /** 500/503 answers injected instead of serving. */
  serverErrors: number;
  /** 429 answers of API priority and fairness (not budgets). */
  throttled: number;
  /** 429 answers of budgets: not faults, the normal way of a drain under budgets. */
  budgetRefusals: number;
  /** Watch requests beyond the first of each feed: resumes after a dropped stream or a 410. */
  watchRestarts: number;
  /** Other faults the test injected itself (kills, aborts, duplicate deliveries, clock jumps…). */
  other: Record<string, number>;
  violations: number;
}

export function emptyTally(): FaultTally {
  return {
    runs: 0,
    serverErrors: 0,
    throttled: 0,
    budgetRefusals: 0,
    watchRestarts: 0,
    other: {},
    violations: 0,
  };
}

/**
 * Adds what the simulated cluster recorded. `expectedWatches`: how many watches the runs open without
 * faults (two per engine run), so that the rest count as restarts; leave it out when unknown.
 */
export function addClusterRecord(tally: FaultTally, sim: SimCluster, expectedWatches?: number): void {
  const requests = sim.recorder.requests();
  tally.serverErrors += requests.filter((request) => request.code === 500 || request.code === 503).length;
  const refusals = sim.recorder.refusalsByCause();
  tally.throttled += refusals.Throttled;
  tally.budgetRefusals += refusals.DisruptionBudget + refusals.BudgetNotObserved;
  if (expectedWatches !== undefined) {
    const watches = requests.filter((request) => request.verb === "watch").length;
    tally.watchRestarts += Math.max(0, watches - expectedWatches);
  }
  tally.violations += sim.recorder.violations().length;
}

export function countOther(tally: FaultTally, kind: string, count = 1): void {
  tally.other[kind] = (tally.other[kind] ?? 0) + count;
}

/** One line for the test output. */
export function tallyLine(name: string, tally: FaultTally): string {
  const other = Object.entries(tally.other).map(([kind, count]) => `${count} ${kind}`);
  const injected = tally.serverErrors + tally.throttled + tally.watchRestarts;
  return (
    `[faults] ${name}: ${tally.runs} runs, ${injected} API faults injected ` +
    `(${tally.serverErrors} 5xx, ${tally.throttled} throttled, ${tally.watchRestarts} watch restarts)` +
    `${other.length > 0 ? `, ${other.join(", ")}` : ""}, ${tally.budgetRefusals} budget refusals, ` +
    `${tally.violations} violations`
  );
}

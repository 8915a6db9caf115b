import { simulationDocument } from "../../../src/cli/simulation-report.js";
import { runSimulation, type SimulationReport } from "../../../src/cli/simulation-run.js";
import type { SimCluster } from "../../../src/sim/index.js";
import { createManualClock } from "../../../src/time/manual-clock.js";
import { onVirtualTime } from "../../support/virtual-time.js";

/** Runs a scenario file of the package through `simulate`'s path on the virtual clock. */
export async function simulate(
  file: string,
  via: "lambda" | "worker" = "lambda",
  settings?: Record<string, string>,
): Promise<{
  report: SimulationReport;
  document: ReturnType<typeof simulationDocument>;
  /** The simulated cluster, stopped: its view still shows the end state. */
  sim: SimCluster | undefined;
}> {
  const clock = createManualClock();
  let sim: SimCluster | undefined;
  const report = await onVirtualTime(
    clock,
    () =>
      runSimulation({
        scenarioPath: new URL(`../../../scenarios/${file}`, import.meta.url).pathname,
        clock,
        heartbeatTimeoutSeconds: 60,
        lambdaTimeoutMs: 900_000,
        via,
        ...(settings === undefined ? {} : { settings }),
        timeoutMs: 3_600_000,
        onCluster: (cluster) => {
          sim = cluster;
        },
        onEntries: () => {},
        signal: new AbortController().signal,
      }),
    { busy: () => (sim?.requestsInFlight() ?? 0) > 0 },
  );
  return { report, document: simulationDocument(report), sim };
}

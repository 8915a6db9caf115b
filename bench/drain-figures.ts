import type { SimCluster } from "../src/sim/index.js";
import { serverSideSpanMs } from "./kubectl-drain.js";

/** What the simulated API server recorded of one drain (ours or kubectl's). */
export interface ServerFigures {
  /** From the drainer's first non-discovery request to its last answer, as the server saw it, s. */
  serverSpanSeconds: number;
  requests: number;
  requestsByVerb: Record<string, number>;
  requestsByKind: Record<string, number>;
  /** Every 429 answer. */
  refusals: number;
  refusalsByCause: Record<string, number>;
  /** Budget violations the simulator recorded (must be 0). */
  violations: number;
  /** Pods removed, by how: eviction, delete (only when forced at the deadline), controller, pod-gc. */
  deletionsByVia: Record<string, number>;
  /** Accepted evictions (2xx on pods/eviction). */
  evictionsAccepted: number;
  /** TLS connections the server accepted. */
  connections: number;
}

export function serverFigures(sim: SimCluster): ServerFigures {
  const recorder = sim.recorder;
  const requests = recorder.requests();
  const deletionsByVia: Record<string, number> = {};
  for (const deletion of recorder.deletions()) {
    deletionsByVia[deletion.via] = (deletionsByVia[deletion.via] ?? 0) + 1;
  }
  return {
    serverSpanSeconds: serverSideSpanMs(requests) / 1000,
    requests: requests.length,
    requestsByVerb: recorder.countsByVerb(),
    requestsByKind: recorder.countsByRequest(),
    refusals: recorder.refusals().length,
    refusalsByCause: { ...recorder.refusalsByCause() },
    violations: recorder.violations().length,
    deletionsByVia,
    evictionsAccepted: requests.filter(
      (request) => request.subresource === "eviction" && request.code >= 200 && request.code < 300,
    ).length,
    connections: recorder.connections(),
  };
}

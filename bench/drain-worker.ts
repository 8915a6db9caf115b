/**
 * The drainer in a process of its own, so that its time and memory are not the simulator's: the bench
 * bundles this file with the Lambda's bundle options and runs it with Node 22. It drains one or more
 * nodes (concurrently, one client each, as separate Lambda invocations would; or with `sharedBudgets`
 * one client, budget watch and gate per budget for all, as one process does) through the real adapter,
 * connected as the Lambda connects (endpoint, CA, bearer token), and prints one JSON document on stdout:
 * each drain's outcome and time, and the process's peak RSS.
 *
 *   node drain-worker.mjs '{"server":"https://127.0.0.1:…","caData":"…","token":"…","nodes":["ip-…"],"seed":7}'
 */
import { performance } from "node:perf_hooks";
import { drainDocument } from "../src/cli/drain-report.js";
import { drainRecord, drainRecording } from "../src/cli/drain-timeline.js";
import { systemClock } from "../src/drain/clock.js";
import { drainNode } from "../src/drain/drain-node.js";
import { drainPolicyWith } from "../src/drain/policy.js";
import { SharedBudgets } from "../src/drain/shared-budgets.js";
import { kubeClientFromEndpoint } from "../src/kube/kube-client.js";
import { KubeCluster } from "../src/kube/kube-cluster.js";
import { seededRandom } from "../src/random/seeded-random.js";
import { DrainRecorder } from "../src/timeline/index.js";
import {
  type WorkerDrain,
  type WorkerReport,
  type WorkerSettings,
  workerRequestSchema,
} from "./worker-protocol.js";

/** A client of its own (16 connections), or the one of all drains: a connection per pod watch and 16 more. */
function connect(request: WorkerSettings, connections?: number) {
  const token = request.token;
  return kubeClientFromEndpoint({
    server: request.server,
    caData: request.caData,
    token: async () => token,
    ...(connections === undefined ? {} : { connections }),
  });
}

/** What the drains of one process share (`sharedBudgets`): one client, one budget watch, one gate per budget. */
interface ProcessShare {
  kube: KubeCluster;
  budgets: SharedBudgets;
}

async function drainOne(
  request: WorkerSettings,
  nodeName: string,
  seed: number,
  share: ProcessShare | undefined,
): Promise<WorkerDrain> {
  const client = share === undefined ? connect(request) : undefined;
  const policy = drainPolicyWith({ surge: request.surge });
  const recorder = nodeName === request.recordNode ? new DrainRecorder(systemClock, policy) : undefined;
  const kube = share?.kube ?? new KubeCluster(client ?? connect(request), { clock: systemClock });
  const cluster = recorder === undefined ? kube : recorder.watching(kube);
  const started = performance.now();
  try {
    const result = await drainNode({
      cluster,
      clock: systemClock,
      nodeName,
      policy,
      ...(recorder === undefined ? {} : { observer: recorder.observe }),
      deadline: Date.now() + request.timeoutMs,
      stopAt: Date.now() + request.stopAfterMs,
      random: seededRandom(seed),
      // As the lifecycle job knows it: the group's leaving instances.
      drainsAtOnce: request.nodes.length,
      batchPosition: [...request.nodes].sort().indexOf(nodeName),
      ...(share === undefined ? {} : { sharedBudgets: share.budgets }),
    });
    return {
      nodeName,
      status: result.status,
      wallMs: performance.now() - started,
      evicted: result.counts.evicted,
      forced: result.counts.forced,
      remaining: result.remaining.length,
      ...(result.error === undefined ? {} : { error: result.error.message }),
      ...(recorder === undefined
        ? {}
        : {
            record: drainRecord(
              drainDocument({
                result,
                exitCode: result.status === "drained" ? 0 : 1,
                dryRun: false,
                recording: drainRecording(recorder, result.startedAt),
              }),
              `bench drain of ${nodeName}`,
            ),
          }),
    };
  } catch (error) {
    return {
      nodeName,
      status: "crashed",
      wallMs: performance.now() - started,
      evicted: 0,
      forced: 0,
      remaining: -1,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await client?.close();
  }
}

async function main(): Promise<void> {
  const parsed = workerRequestSchema.safeParse(JSON.parse(process.argv[2] ?? "null"));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "request"}: ${issue.message}`,
    );
    throw new Error(`drain worker: bad request: ${problems.join("; ")}`);
  }
  const request = parsed.data;
  const started = performance.now();
  const sharedClient = request.sharedBudgets ? connect(request, request.nodes.length + 16) : undefined;
  let share: ProcessShare | undefined;
  if (sharedClient !== undefined) {
    const kube = new KubeCluster(sharedClient, { clock: systemClock });
    const budgets = new SharedBudgets({
      policy: drainPolicyWith({ surge: request.surge }),
      random: seededRandom(request.seed),
      identity: "bench-worker",
    });
    budgets.open(kube);
    share = { kube, budgets };
  }
  const drains = await Promise.all(
    request.nodes.map((nodeName, index) => drainOne(request, nodeName, request.seed + index, share)),
  );
  share?.budgets.close();
  await sharedClient?.close();
  const report: WorkerReport = {
    drains,
    wallMs: performance.now() - started,
    // Kilobytes on Linux: the process's peak resident set.
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

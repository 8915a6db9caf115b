import type { LifecycleHookSettings } from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import { drainPolicyOf, type LogFields, readSettings } from "../lifecycle/index.js";
import type {
  RecordedCompletion,
  SimulatedAutoScalingGroup,
  SimulatedLifecycleAction,
} from "../sim/auto-scaling-group.js";
import {
  type AvailabilityEntry,
  type BudgetViolation,
  loadScenario,
  type RefusalCause,
  type Scenario,
  ScenarioError,
  type SimCluster,
} from "../sim/index.js";
import { LifecyclePlayer } from "../sim/lifecycle-player.js";
import { autoScalingSchema } from "../sim/lifecycle-script.js";
import { startSimulatedDeployment } from "../sim/simulated-deployment.js";
import type { RecordedPod } from "../timeline/index.js";
import { CliError } from "./cli-error.js";
import { simulatedLambdaShell } from "./simulated-lambda.js";
import type { InvocationRecord } from "./simulated-shell.js";
import { simulatedWorkerShell } from "./simulated-worker.js";
import { SimulationTimeline } from "./simulation-timeline.js";
import { deliverSpotEvents, type SpotReport, spotReport } from "./spot-simulation.js";
import { type TargetReport, targetReports } from "./target-report.js";

export type { InvocationRecord } from "./simulated-shell.js";

import type { TimelineEntry } from "./timeline-entries.js";

const CLUSTER_NAME = "sim";
const POLL_MS = 100;
/** How long a simulation waits after the drain for the drained workloads to be Ready again. */
const RECOVERY_WAIT_MS = 120_000;

export interface SimulationRequest {
  scenarioPath: string;
  clock: Clock;
  /** The hook's HeartbeatTimeout (30–7200 s). */
  heartbeatTimeoutSeconds: number;
  /** Each invocation's time limit (Lambda's timeout), ms. */
  lambdaTimeoutMs: number;
  /** The shell the lifecycle event goes through: the Lambda handler (default) or the queue worker. */
  via?: "lambda" | "worker";
  /** The simulation gives up after this long, ms. */
  timeoutMs: number;
  /** Settings (environment variables of src/lifecycle/settings.ts) besides the cluster name. */
  settings?: Record<string, string>;
  /** Told the simulated cluster as soon as it runs (a test's virtual clock waits on its requests). */
  onCluster?: (sim: SimCluster) => void;
  /** Told once the simulated cluster runs, just before the lifecycle event. */
  onStart?: (start: SimulationStart) => void;
  /** New timeline entries, in order, as they happen. */
  onEntries: (entries: TimelineEntry[]) => void;
  /** Each handler log line, for --verbose. */
  echo?: (level: "info" | "warn" | "error", message: string, fields: LogFields) => void;
  signal: AbortSignal;
  random?: () => number;
}

export interface SimulationStart {
  scenario: { name: string; description?: string };
  nodes: number;
  nodeName: string;
  instanceId: string;
  hook: LifecycleHookSettings & { asgName: string; hookName: string };
  /** The lifecycle event's time: the timeline's zero. */
  startedAt: number;
}

export interface SimulationReport {
  scenario: { name: string; file: string; description?: string };
  nodeName: string;
  instanceId: string;
  hook: LifecycleHookSettings & { asgName: string; hookName: string };
  startedAt: number;
  endedAt: number;
  timeline: TimelineEntry[];
  /** The drained node's pods at the start. */
  pods: RecordedPod[];
  invocations: InvocationRecord[];
  /** The first completion that found the action waiting. */
  completion?: RecordedCompletion;
  action?: SimulatedLifecycleAction;
  heartbeats: number;
  evictions: number;
  refusals: Record<RefusalCause, number>;
  multipleBudgetRefusals: number;
  violations: BudgetViolation[];
  /** Pods still on the node that the drain had to remove (not DaemonSet or mirror pods, nor returning ones). */
  podsLeft: string[];
  /** Each workload that had pods on the node when the drain began: its Ready replicas over the run. */
  availability: AvailabilityEntry[];
  /** Pods on the node that came back after their owner's bounded evictions: reported and left by the drain. */
  podsReturning: string[];
  /** Pods still terminating on a node whose kubelet is gone, that the drain counted as gone (reported). */
  podsCountedGone: string[];
  /** Accepted evictions per workload ("namespace/Kind/name", a ReplicaSet's pods under its Deployment). */
  evictionsPerWorkload: Record<string, number>;
  /** With several nodes: accepted evictions per workload replica lineage (src/sim/eviction-lineage.ts). */
  evictionsPerPod?: { max: number; mean: number };
  /** Each target group the node had targets in (its instance, its pods' IPs): when they drained and left. */
  targets: TargetReport[];
  /** With a scenario's `spot`: the interruption warning's drain against its two minutes. */
  spot?: SpotReport;
  /** Why the simulation stopped early, if it did. */
  stoppedEarly?: string;
  /** The drained node at the end; null when the Node was deleted. */
  nodeAfter: NodeAfter | null;
  /** Every lifecycle action of the simulation, in order, with the completion calls made for it. */
  lifecycleActions: Array<SimulatedLifecycleAction & { completionCalls: RecordedCompletion[] }>;
}

/** The drained node as the simulation ends. */
export interface NodeAfter {
  unschedulable: boolean;
  taints: Array<{ key: string; effect: string }>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * The production path against a simulated cluster: the scenario's cluster, a simulated Auto Scaling group
 * with a terminate hook, and the real Lambda handler (cluster access pointed at the simulated API server).
 * The group emits the lifecycle event for the drain node's instance; the handler gets it as a direct
 * invocation, and every continuation it schedules is delivered as a new invocation.
 */
export async function runSimulation(request: SimulationRequest): Promise<SimulationReport> {
  const scenario = await readScenario(request.scenarioPath);
  const { nodeName, instanceId } = drainTarget(scenario, request.scenarioPath);
  const { clock } = request;
  const autoScaling = scenario.autoScaling;
  const deployment = await startSimulatedDeployment({
    scenario,
    clusterName: CLUSTER_NAME,
    clock,
    ...(request.via === "worker" ? { queue: {} } : {}),
    asg: {
      name: "sim-workers",
      hookName: "drain-before-terminate",
      heartbeatTimeoutSeconds: autoScaling?.heartbeatTimeoutSeconds ?? request.heartbeatTimeoutSeconds,
      ...(autoScaling?.defaultResult === undefined ? {} : { defaultResult: autoScaling.defaultResult }),
      ...(autoScaling?.launchHook === true ? { launchHookName: "wait-until-ready" } : {}),
    },
  }).catch((cause: unknown) => {
    throw new CliError("starting the simulated cluster", { cause });
  });
  const { sim, asg: group } = deployment;
  request.onCluster?.(sim);
  const settings = readSettings({ ...request.settings, CLUSTER_NAME: CLUSTER_NAME });
  const timeline = new SimulationTimeline(sim, group, clock, nodeName, drainPolicyOf(settings), request.echo);
  timeline.start();
  const shell =
    request.via === "worker"
      ? simulatedWorkerShell(deployment, {
          clock,
          log: timeline,
          random: request.random,
          settings: request.settings,
        })
      : simulatedLambdaShell(deployment, {
          clock,
          lambdaTimeoutMs: request.lambdaTimeoutMs,
          log: timeline,
          random: request.random,
          settings: request.settings,
        });
  const startedAt = clock.now();
  const workloadsOnNode = sim.availability.workloadsOn(nodeName);
  request.onStart?.({
    scenario: {
      name: scenario.name,
      ...(scenario.description === undefined ? {} : { description: scenario.description }),
    },
    nodes: scenario.nodes.length,
    nodeName,
    instanceId,
    hook: { ...group.hook, asgName: group.name, hookName: group.hookName },
    startedAt,
  });
  const giveUpAt = startedAt + request.timeoutMs;
  const ticker = setInterval(() => request.onEntries(timeline.poll()), POLL_MS);
  const invocations: InvocationRecord[] = [];
  let stoppedEarly: string | undefined;
  try {
    if (scenario.spot !== undefined) {
      const delivered = await deliverSpotEvents({
        spot: scenario.spot,
        group,
        shell,
        clock,
        instanceId,
        nodeName,
        startedAt,
        until: { giveUpAt, signal: request.signal },
        add: (entry) => timeline.add(entry),
      });
      invocations.push(...delivered.invocations);
      stoppedEarly = delivered.stoppedEarly;
    } else if (scenario.lifecycle === undefined) {
      const { event } = group.terminate(instanceId);
      timeline.add({
        at: startedAt,
        source: "auto-scaling",
        kind: "terminate",
        level: "info",
        text: `${instanceId} (node ${nodeName}) entered Terminating:Wait; the terminate lifecycle event goes to ${shell.via}`,
      });
      const delivered = await shell.deliver(event, { giveUpAt, signal: request.signal });
      invocations.push(...delivered.invocations);
      stoppedEarly = delivered.stoppedEarly;
    } else {
      const player = new LifecyclePlayer({
        sim,
        group,
        clock,
        autoScaling: autoScalingSchema.parse(autoScaling ?? {}),
        deliver: async (event) => {
          const delivered = await shell.deliver(event, { giveUpAt, signal: request.signal });
          // A shell reports every delivery so far; keep each once.
          for (const record of delivered.invocations)
            if (!invocations.includes(record)) invocations.push(record);
          return delivered.stoppedEarly === undefined ? {} : { stoppedEarly: delivered.stoppedEarly };
        },
        onStep: (text) =>
          timeline.add({ at: clock.now(), source: "auto-scaling", kind: "lifecycle", level: "info", text }),
      });
      stoppedEarly = (await player.play(scenario.lifecycle)).stoppedEarly;
    }
  } finally {
    clearInterval(ticker);
    // Pods may still be going away after the completion: let the last moments reach the timeline, and
    // let the drained workloads' replacements start, so that the availability record covers the outage.
    await clock.sleep(POLL_MS * 2).catch(() => undefined);
    const recoverBy = clock.now() + RECOVERY_WAIT_MS;
    while (
      !sim.availability.recovered(workloadsOnNode) &&
      clock.now() < recoverBy &&
      !request.signal.aborted
    ) {
      await clock.sleep(POLL_MS).catch(() => undefined);
    }
    request.onEntries(timeline.poll());
    await timeline.close().catch(() => undefined);
    await shell.close().catch(() => undefined);
  }
  try {
    return report({
      request,
      scenario,
      nodeName,
      instanceId,
      group,
      timeline,
      invocations,
      startedAt,
      endedAt: clock.now(),
      sim,
      workloadsOnNode,
      ...(stoppedEarly === undefined ? {} : { stoppedEarly }),
    });
  } finally {
    await deployment.stop();
  }
}

async function readScenario(path: string): Promise<Scenario> {
  try {
    return await loadScenario(path);
  } catch (error) {
    if (error instanceof ScenarioError) {
      // Each issue in one line: the YAML parser's messages carry a code excerpt after their first line.
      const issues = error.issues.map(
        (issue) => `${issue.path || "(root)"}: ${issue.message.split("\n")[0]}`,
      );
      throw new CliError(`scenario ${path} is invalid: ${issues.join("; ")}`, {
        cause: error,
        selfContained: true,
      });
    }
    throw new CliError(`reading scenario file ${path}`, { cause: error });
  }
}

function drainTarget(scenario: Scenario, path: string): { nodeName: string; instanceId: string } {
  const first = scenario.lifecycle?.[0];
  const nodeName =
    scenario.drainNode ??
    (first === undefined ? undefined : "node" in first ? first.node : firstJoined(scenario, first));
  if (nodeName === undefined) {
    throw new CliError(`scenario ${path} names no drainNode: set drainNode to the node to drain`);
  }
  const node = scenario.nodes.find((candidate) => candidate.name === nodeName);
  if (node === undefined)
    throw new CliError(`scenario ${path}: drainNode ${nodeName} is not among its nodes`);
  return { nodeName, instanceId: node.instanceId };
}

/** The first node an instance refresh replaces (named, or the first that has joined). */
function firstJoined(scenario: Scenario, event: object): string | undefined {
  const named = "nodes" in event && Array.isArray(event.nodes) ? event.nodes[0] : undefined;
  return typeof named === "string" ? named : scenario.nodes.find((node) => node.joined)?.name;
}

function report(parts: {
  request: SimulationRequest;
  scenario: Scenario;
  nodeName: string;
  instanceId: string;
  group: SimulatedAutoScalingGroup;
  timeline: SimulationTimeline;
  invocations: InvocationRecord[];
  startedAt: number;
  endedAt: number;
  sim: SimCluster;
  workloadsOnNode: string[];
  stoppedEarly?: string;
}): SimulationReport {
  const { sim, group, scenario } = parts;
  const evictionAnswers = sim.recorder
    .requests()
    .filter((request) => request.verb === "create" && request.subresource === "eviction");
  // The drainer's Kubernetes Events on pods it leaves on purpose (src/kube's catalog): pods that keep
  // coming back, and pods terminating on a node whose kubelet is gone.
  const uidsWith = (reason: string) =>
    new Set(
      sim.view
        .events()
        .filter((event) => event.reason === reason)
        .map((event) => (event.regarding ?? event.involvedObject)?.uid),
    );
  const returningUids = uidsWith("ReturnsToDrainedNode");
  const countedGoneUids = uidsWith("CountedGone");
  const drainable = sim.view
    .pods({ nodeName: parts.nodeName })
    .filter((pod) => pod.metadata.ownerReferences?.find((owner) => owner.controller)?.kind !== "DaemonSet")
    .filter((pod) => pod.metadata.annotations?.["kubernetes.io/config.mirror"] === undefined);
  const key = (pod: (typeof drainable)[number]) =>
    `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`;
  // Pods a drain left: none to count when the scenario ends with the instance back in service (its last
  // lifecycle action a launch), where pods may run on the node again.
  const backInService = group.allActions().at(-1)?.transition === "launch";
  const podsLeft = backInService
    ? []
    : drainable
        .filter((pod) => !returningUids.has(pod.metadata.uid) && !countedGoneUids.has(pod.metadata.uid))
        .map(key);
  const podsCountedGone = drainable.filter((pod) => countedGoneUids.has(pod.metadata.uid)).map(key);
  const podsReturning = drainable.filter((pod) => returningUids.has(pod.metadata.uid)).map(key);
  const completion = group.completions().find((candidate) => candidate.outcome === "completed");
  const action = group.action(parts.instanceId);
  const node = sim.view.nodes().find((candidate) => candidate.metadata.name === parts.nodeName);
  const completions = group.completions();
  return {
    scenario: {
      name: scenario.name,
      file: parts.request.scenarioPath,
      ...(scenario.description === undefined ? {} : { description: scenario.description }),
    },
    nodeName: parts.nodeName,
    instanceId: parts.instanceId,
    hook: { ...group.hook, asgName: group.name, hookName: group.hookName },
    startedAt: parts.startedAt,
    endedAt: parts.endedAt,
    timeline: parts.timeline.all(),
    pods: parts.timeline.pods,
    invocations: parts.invocations,
    ...(completion === undefined ? {} : { completion }),
    ...(action === undefined ? {} : { action }),
    heartbeats: group.heartbeats().filter((beat) => beat.outcome === "recorded").length,
    evictions: evictionAnswers.filter((answer) => answer.code === 201 || answer.code === 200).length,
    refusals: sim.recorder.refusalsByCause(),
    multipleBudgetRefusals: evictionAnswers.filter((answer) => answer.code === 500).length,
    violations: [...sim.recorder.violations()],
    podsLeft,
    availability: sim.availability.entries(parts.workloadsOnNode),
    podsReturning,
    podsCountedGone,
    evictionsPerWorkload: evictionsPerWorkload(sim),
    ...(scenario.nodes.length > 1 ? { evictionsPerPod: maxAndMean(sim.evictionsPerPod()) } : {}),
    targets: targetReports(sim.targetGroups, parts.timeline.nodeTargets),
    ...(scenario.spot === undefined
      ? {}
      : {
          spot: spotReport(scenario.spot, {
            invocations: parts.invocations,
            group,
            startedAt: parts.startedAt,
            timeline: parts.timeline.all(),
          }),
        }),
    ...(parts.stoppedEarly === undefined ? {} : { stoppedEarly: parts.stoppedEarly }),
    nodeAfter:
      node === undefined
        ? null
        : {
            unschedulable: node.spec.unschedulable === true,
            taints: (node.spec.taints ?? []).map((taint) => ({ key: taint.key, effect: taint.effect })),
            labels: { ...node.metadata.labels },
            annotations: { ...node.metadata.annotations },
          },
    lifecycleActions: group.allActions().map((entry) => ({
      ...entry,
      completionCalls: completions.filter(
        (call) =>
          call.token === entry.token || (call.token === undefined && call.instanceId === entry.instanceId),
      ),
    })),
  };
}

function maxAndMean(summary: { max: number; mean: number }): { max: number; mean: number } {
  return { max: summary.max, mean: summary.mean };
}

/** Accepted evictions per workload; a ReplicaSet's pods count under the Deployment that owns it. */
function evictionsPerWorkload(sim: SimCluster): Record<string, number> {
  const deploymentOf = new Map<string, string>();
  for (const replicaSet of sim.view.workloads("ReplicaSet")) {
    const owner = replicaSet.metadata.ownerReferences?.find((reference) => reference.controller);
    if (owner !== undefined) {
      deploymentOf.set(
        `${replicaSet.metadata.namespace ?? "default"}/ReplicaSet/${replicaSet.metadata.name}`,
        `${owner.kind}/${owner.name}`,
      );
    }
  }
  const counts: Record<string, number> = {};
  for (const deletion of sim.recorder.deletions()) {
    if (deletion.via !== "eviction") continue;
    const direct = `${deletion.namespace}/${deletion.owner ?? `Pod/${deletion.name}`}`;
    const mapped = deploymentOf.get(direct);
    const workload = mapped === undefined ? direct : `${deletion.namespace}/${mapped}`;
    counts[workload] = (counts[workload] ?? 0) + 1;
  }
  return counts;
}

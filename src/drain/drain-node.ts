import type { V1Node } from "@kubernetes/client-node";
import { parseLabelSelector } from "../labels/label-selector.js";
import { backoffDelay } from "./backoff.js";
import type { Clock } from "./clock.js";
import { type ClusterPort, isRetryable, type PodRef, podRef } from "./cluster-port.js";
import { ClusterView } from "./cluster-view.js";
import { DrainContext } from "./drain-context.js";
import { runDrainLoop } from "./drain-loop.js";
import { type DrainState, type NodeChanges, readDrainState } from "./drain-state.js";
import type { DrainObserver } from "./events.js";
import { Evictor } from "./evictor.js";
import { planDrain } from "./plan-drain.js";
import { type DrainPolicy, drainPolicySchema, EXCLUDE_FROM_LB_LABEL } from "./policy.js";
import type { DrainError, DrainResult } from "./result.js";
import { RunReport } from "./run-report.js";
import type { SharedBudgets } from "./shared-budgets.js";
import { drainSteps } from "./steps/drain-steps.js";
import { Surger } from "./surger.js";
import { Wakeup } from "./wakeup.js";
import { isWorkloadPort, type WorkloadPort } from "./workload-port.js";

export interface DrainRequest {
  cluster: ClusterPort;
  clock: Clock;
  nodeName: string;
  policy: DrainPolicy;
  /** Epoch ms. Used only when the node carries no drain state yet; a resumed drain keeps its own. */
  deadline: number;
  /** Epoch ms: when reached first, save state and return "in-progress" (e.g. the invocation's time budget). */
  stopAt?: number;
  /** Aborting saves state and returns "in-progress". */
  signal?: AbortSignal;
  observer?: DrainObserver;
  /** Source of jitter; defaults to Math.random. Inject a seeded one for reproducible runs. */
  random?: () => number;
  /** Evictions begin once it settles (the node is cordoned before): several nodes cordoned before any eviction. */
  evictionGate?: Promise<void>;
  /** The budget watch and gates of every drain of the process (shared-budgets.ts); absent: this drain's own. */
  sharedBudgets?: SharedBudgets;
  /**
   * How many drains run at once, this one included, each in its own process or in this one (the Auto
   * Scaling group's leaving instances): the budgets' room is shared among them in proportion instead of
   * by turns (budget-shares.ts). Absent: unknown.
   */
  drainsAtOnce?: number;
  /**
   * This drain's place among the drains at once, 0 ≤ position < drainsAtOnce (its node's place among the
   * leaving nodes by name): their claims on each budget step at even distances. Absent: drawn.
   */
  batchPosition?: number;
  /** Deployments and autoscalers, for surge; defaults to `cluster` when it implements WorkloadPort. */
  workloads?: WorkloadPort;
  /**
   * The lifecycle action (its token) this drain serves. An ended drain state of another action — or an
   * unfinished one recorded for another action — is an earlier drain: this one starts anew, with its own
   * deadline. Without it (the CLI), a saved unfinished state is resumed.
   */
  actionToken?: string;
  /**
   * The deadline is a hard one (the instance goes at it regardless, as after a Spot interruption warning):
   * a resumed drain whose saved deadline is later takes this one.
   */
  nearerDeadlineHolds?: boolean;
}

export class DrainRequestError extends Error {
  override readonly name = "DrainRequestError";
}

/**
 * Drains one node: cordon, evict its pods tier by tier through the Eviction API honouring budgets,
 * wait until they are gone, force what is left at the deadline. Resumable: state lives on the node.
 */
export async function drainNode(request: DrainRequest): Promise<DrainResult> {
  validate(request);
  const { cluster, clock, nodeName, policy } = request;
  const random = request.random ?? Math.random;
  const runStartedAt = clock.now();
  const report = new RunReport(nodeName, runStartedAt);

  if (policy.dryRun) return dryRun(request, report);

  const read = await readNode(request, random);
  if (!("node" in read)) {
    const failedState = freshState(request.deadline, runStartedAt);
    return report.result({
      status: "failed",
      state: failedState,
      now: clock.now(),
      blocked: [],
      remaining: [],
      error: read.error,
    });
  }
  const state = startingState(read.node, request, report, runStartedAt);
  const wakeup = new Wakeup();
  let context: DrainContext | undefined;
  const goneSeen = new Set<string>();
  const reportGone = (ref: PodRef, replaced: boolean) => {
    report.waitedGone(ref.uid);
    if (goneSeen.has(ref.uid) || report.isSkipped(ref.uid)) return;
    goneSeen.add(ref.uid);
    context?.emit({ kind: "gone", pod: ref, replaced });
  };
  const view = new ClusterView(
    () => wakeup.notify(),
    (pod) => {
      const ref = podRef(pod);
      if (!report.isSkipped(ref.uid)) context?.noteDrainedVolumes(pod);
      context?.evictor.markGone(ref.uid);
      reportGone(ref, view.hasNamesake(ref.namespace, ref.name, ref.uid));
    },
    (feed, error) =>
      context?.emit({
        kind: "api-error",
        operation: `watch-${feed}`,
        retryable: error.retryable,
        message: error.message,
      }),
    request.sharedBudgets?.board,
    (budgetKey) => context?.evictor.waitsFor(budgetKey) ?? true,
  );
  const evictor = new Evictor({
    cluster,
    clock,
    policy,
    view,
    random,
    identity: nodeName,
    ...(request.sharedBudgets === undefined ? {} : { gates: request.sharedBudgets.gates }),
    ...(request.drainsAtOnce === undefined ? {} : { drainsAtOnce: request.drainsAtOnce }),
    ...(request.batchPosition === undefined ? {} : { batchPosition: request.batchPosition }),
    deadline: () => state.deadline,
    emit: (event) => context?.emit(event),
    wake: () => wakeup.notify(),
    onAccepted: (ref, tier, gracePeriodSeconds, pod) => {
      state.counts.evicted += 1;
      context?.countOwnerEviction(pod);
      const at = clock.now();
      report.evicted.push({
        ...ref,
        tier,
        at,
        ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
      });
      context?.emit({
        kind: "evicted",
        pod: ref,
        tier,
        ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
      });
    },
    onGone: (ref) => {
      view.forgetPod(ref.uid);
      reportGone(ref, false);
    },
  });
  const selector = policy.podSelector === undefined ? undefined : parseLabelSelector(policy.podSelector);
  context = new DrainContext(
    cluster,
    clock,
    policy,
    nodeName,
    selector,
    random,
    view,
    evictor,
    report,
    state,
    read.node,
    request.observer,
  );
  context.evictionGate = request.evictionGate;
  const drain = context;
  const workloads = request.workloads ?? (isWorkloadPort(cluster) ? cluster : undefined);
  context.surger = new Surger({
    workloads,
    clock,
    policy,
    nodeName,
    state: () => drain.state,
    saveState: () => drain.saveState(),
    emit: (event) => drain.emit(event),
    warn: (message) => drain.report.warn(message),
    pendingPods: () =>
      drain.snapshot
        .filter((pod) => pod.verdict.action === "evict" && !evictor.isHandled(pod.ref.uid))
        .map((pod) => pod.pod),
    wake: () => wakeup.notify(),
  });
  context.emit({
    kind: "started",
    startedAt: state.startedAt,
    deadline: state.deadline,
    resumed: state.counts.invocations > 1,
    phase: state.phase,
  });
  view.open(cluster, nodeName);
  try {
    return await runDrainLoop(context, drainSteps(policy), {
      wakeup,
      ...(request.stopAt === undefined ? {} : { stopAt: request.stopAt }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  } finally {
    evictor.leaveGates();
    view.close();
  }
}

function validate(request: DrainRequest): void {
  if (request.nodeName.trim() === "") throw new DrainRequestError("drain request: nodeName is empty");
  if (!Number.isFinite(request.deadline)) {
    throw new DrainRequestError(
      `drain request: deadline must be epoch milliseconds, got ${request.deadline}`,
    );
  }
  const atOnce = request.drainsAtOnce;
  if (atOnce !== undefined && !(Number.isInteger(atOnce) && atOnce >= 1)) {
    throw new DrainRequestError(`drain request: drainsAtOnce must be an integer ≥ 1, got ${atOnce}`);
  }
  const position = request.batchPosition;
  if (
    position !== undefined &&
    !(Number.isInteger(position) && position >= 0 && atOnce !== undefined && position < atOnce)
  ) {
    throw new DrainRequestError(
      `drain request: batchPosition must be an integer from 0 to drainsAtOnce − 1 (${atOnce ?? "not set"}), got ${position}`,
    );
  }
  const policy = drainPolicySchema.safeParse(request.policy);
  if (!policy.success) {
    const problems = policy.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new DrainRequestError(`drain request: invalid policy: ${problems.join("; ")}`);
  }
}

async function dryRun(request: DrainRequest, report: RunReport): Promise<DrainResult> {
  const plan = await planDrain(request);
  const now = request.clock.now();
  const state = plan.node.state ?? freshState(plan.deadline, plan.startedAt);
  for (const pod of plan.pods) {
    if (pod.action === "skip") report.skip({ ...pod, reason: pod.reason, message: pod.message });
  }
  const result = report.result({
    status: "planned",
    state,
    now,
    blocked: [],
    remaining: plan.pods
      .filter((pod) => pod.action !== "skip")
      .map(({ namespace, name, uid }) => ({ namespace, name, uid })),
  });
  return { ...result, plan };
}

async function readNode(
  request: DrainRequest,
  random: () => number,
): Promise<{ node: V1Node } | { error: DrainError }> {
  const { cluster, clock, nodeName, policy } = request;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const node = await cluster.getNode(nodeName);
      if (node === undefined) {
        return { error: { message: `node ${nodeName} not found`, retryable: false, code: "node-not-found" } };
      }
      return { node };
    } catch (error) {
      const message = `reading node ${nodeName}: ${error instanceof Error ? error.message : String(error)}`;
      const delay = backoffDelay(attempt, policy.transientBackoff, random);
      const outOfTime = request.stopAt !== undefined && clock.now() + delay >= request.stopAt;
      if (!isRetryable(error) || attempt >= 5 || outOfTime || request.signal?.aborted) {
        return { error: { message, retryable: isRetryable(error), code: "cluster" } };
      }
      request.observer?.({
        kind: "retrying",
        operation: "get-node",
        message,
        retryInMs: delay,
        at: clock.now(),
        nodeName,
      });
      await clock.sleep(delay, request.signal).catch(() => {});
    }
  }
}

function freshState(deadline: number, now: number): DrainState {
  return {
    phase: "cordon",
    startedAt: now,
    deadline,
    phaseStartedAt: now,
    updatedAt: now,
    forced: [],
    counts: { evicted: 0, forced: 0, invocations: 1 },
  };
}

/** The node's saved state (a resumed drain keeps its start, and the nearer deadline), or a fresh one. */
function startingState(node: V1Node, request: DrainRequest, report: RunReport, now: number): DrainState {
  let saved: DrainState | undefined;
  try {
    saved = readDrainState(node);
  } catch (error) {
    report.warn(`${error instanceof Error ? error.message : String(error)}; starting a new drain`);
  }
  const token = request.actionToken;
  const ended = saved?.outcome !== undefined;
  // A finished drain on a node that was made schedulable again belongs to an earlier life of the node.
  const earlierLife = ended && node.spec?.unschedulable !== true;
  // A new lifecycle action is a new drain, whatever became of the earlier one's.
  const otherAction =
    saved !== undefined &&
    token !== undefined &&
    saved.actionToken !== token &&
    (ended || saved.actionToken !== undefined);
  if (saved === undefined || earlierLife || otherAction) {
    // A surge an earlier drain left in place is this drain's to restore.
    const unfinished = saved?.surges?.filter(
      (entry) => entry.status === "surging" || entry.status === "ready",
    );
    const carried = saved?.changes === undefined ? undefined : changesStillOn(node, saved.changes);
    return {
      ...freshState(request.deadline, now),
      ...(token === undefined ? {} : { actionToken: token }),
      ...(carried === undefined ? {} : { changes: carried }),
      ...(unfinished === undefined || unfinished.length === 0 ? {} : { surges: unfinished }),
    };
  }
  const { outcome: _previous, ...resumed } = saved;
  return {
    ...resumed,
    ...(resumed.actionToken === undefined && token !== undefined ? { actionToken: token } : {}),
    // A Spot interruption warning during a longer drain brings a nearer deadline, and it holds; a
    // deadline saved on the node is otherwise never moved.
    ...(request.nearerDeadlineHolds === true ? { deadline: Math.min(saved.deadline, request.deadline) } : {}),
    counts: { ...saved.counts, invocations: saved.counts.invocations + 1 },
  };
}

/**
 * What an earlier drain changed that is still on the node: the new drain finds it in place and would not
 * record it, yet a restore must still undo it.
 */
function changesStillOn(node: V1Node, changes: NodeChanges): NodeChanges | undefined {
  const taint = changes.taint;
  const kept: NodeChanges = {
    cordoned: changes.cordoned && node.spec?.unschedulable === true,
    ...(taint !== undefined && (node.spec?.taints ?? []).some((t) => t.key === taint) ? { taint } : {}),
    excludedFromLoadBalancers:
      changes.excludedFromLoadBalancers && node.metadata?.labels?.[EXCLUDE_FROM_LB_LABEL] !== undefined,
  };
  const any = kept.cordoned || kept.taint !== undefined || kept.excludedFromLoadBalancers;
  return any ? kept : undefined;
}

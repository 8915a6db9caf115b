import { DeadlineGuard } from "./deadline-guard.js";
import { type DrainContext, mustGo } from "./drain-context.js";
import { endedAtDeadline } from "./drain-outcome.js";
import { NodeReachability } from "./node-reachability-watch.js";
import type { DrainError, DrainResult, DrainStatus } from "./result.js";
import { ONCE_STEPS } from "./steps/drain-steps.js";
import { type DrainStep, type StepOutcome, WATCHDOG_MS } from "./steps/step.js";
import { TIERS, type Tier } from "./tiers.js";
import type { Wakeup } from "./wakeup.js";

/** The shortest pause between two passes, so that no mistake can turn the loop into a busy loop. */
const MIN_PAUSE_MS = 10;
/** How long a finishing drain waits for evictions still in flight, so that its report is complete. */
const SETTLE_IN_FLIGHT_MS = 5_000;
/**
 * How long a run that starts at or past its deadline waits for the first list of the node's pods: the
 * deadline policy needs to see them (force deletes them, leave stops), so a late run still answers it.
 */
const LATE_FIRST_LIST_MS = 30_000;

export interface LoopControl {
  stopAt?: number;
  signal?: AbortSignal;
  wakeup: Wakeup;
}

/**
 * Runs the steps in order until one is not done, then waits for news (a watch event, an answer) or for
 * the time that step asked for, and starts over. Ends when every step is done, one fails, the deadline
 * rule says so, `stopAt` passes or the signal aborts.
 */
export async function runDrainLoop(
  context: DrainContext,
  steps: readonly DrainStep[],
  control: LoopControl,
): Promise<DrainResult> {
  const { clock, state } = context;
  const guard = new DeadlineGuard(context);
  const reachability = new NodeReachability();
  let passed = Math.max(
    -1,
    steps.findIndex((step) => step.name === state.phase),
  );
  if (state.phase === "finished") passed = steps.length;
  const listBy = Math.max(state.deadline, clock.now() + LATE_FIRST_LIST_MS);

  for (;;) {
    if (control.signal?.aborted) return stop(context, "abort");
    const now = clock.now();
    if (control.stopAt !== undefined && now >= control.stopAt) return stop(context, "stop-at");
    const reading = reachability.refresh(context);
    if (reading !== undefined) await reading;
    context.updateSnapshot();

    let nextAt: number | undefined;
    const guarded = context.view.podsSynced;
    if (guarded) {
      const check = await guard.check();
      if (check.stop !== undefined) return finish(context, check.stop);
      nextAt = check.nextAt;
    } else if (now >= listBy) {
      return finish(context, "failed", {
        message: `could not list the pods of node ${context.nodeName} before the deadline`,
        retryable: true,
        code: "cluster",
      });
    }

    const feedFailure = context.view.podFeedFailure;
    if (feedFailure !== undefined) {
      return finish(context, "failed", {
        message: `watching pods on node ${context.nodeName}: ${feedFailure.message}`,
        retryable: feedFailure.retryable,
        code: "cluster",
      });
    }

    let current: { index: number; outcome: StepOutcome } | undefined;
    for (const [index, step] of steps.entries()) {
      if (ONCE_STEPS.has(step.name) && index < passed) continue;
      const outcome = await step.run(context);
      if (outcome.status !== "done") {
        current = { index, outcome };
        break;
      }
    }
    if (current === undefined) return finish(context, endedAtDeadline(state) ? "deadline-forced" : "drained");
    const { index, outcome } = current;
    if (outcome.status === "failed") return finish(context, "failed", outcome.error);

    const step = steps[index];
    if (step !== undefined && step.name !== state.phase && step.transient !== true) {
      passed = Math.max(passed, index);
      state.phase = step.name;
      state.phaseStartedAt = clock.now();
      const tier = step.name.startsWith("evict:") ? (step.name.slice("evict:".length) as Tier) : undefined;
      if (tier !== undefined && TIERS.includes(tier)) state.tier = tier;
      await context.saveState();
    }

    const after = clock.now();
    // The pods' first list arrived during this pass (a run that started late): the guard answers first.
    if (after >= state.deadline && context.view.podsSynced && !guarded) continue;
    if (after >= state.deadline && context.view.podsSynced) {
      // A step still not done at the deadline ends the drain; the guard has answered for the pods already
      // (a run that started late waits above for the pods' first list, so that it can).
      context.emit({
        kind: "deadline-reached",
        deadline: state.deadline,
        podsLeft: context.snapshot.filter(mustGo).length,
        policy: context.policy.onDeadline,
      });
      return finish(context, context.policy.onDeadline === "leave" ? "deadline-left" : "deadline-forced");
    }
    let delay = outcome.status === "retry-after" ? outcome.delayMs : WATCHDOG_MS;
    if (nextAt !== undefined) delay = Math.min(delay, nextAt - after);
    const readAt = reachability.nextReadAt(context);
    if (readAt !== undefined) delay = Math.min(delay, readAt - after);
    if (control.stopAt !== undefined) delay = Math.min(delay, control.stopAt - after);
    await control.wakeup.wait(clock, Math.min(Math.max(delay, MIN_PAUSE_MS), WATCHDOG_MS), control.signal);
  }
}

async function finish(context: DrainContext, status: DrainStatus, error?: DrainError): Promise<DrainResult> {
  await context.evictor.settle(SETTLE_IN_FLIGHT_MS);
  // Whatever the drain raised goes back, however it ends.
  await context.surger?.restoreAll(`the drain ended (${status})`);
  context.refreshSnapshot();
  const { state } = context;
  state.outcome =
    status === "drained" || status === "deadline-forced" || status === "deadline-left" ? status : "failed";
  state.phase = status === "failed" ? state.phase : "finished";
  if (!context.report.nodeDeleted) await context.saveState();
  const result = buildResult(context, status, { ...(error === undefined ? {} : { error }) });
  context.emit({
    kind: "finished",
    status,
    evicted: result.evicted.length,
    forced: state.counts.forced,
    durationMs: result.timings.totalMs,
  });
  return result;
}

async function stop(context: DrainContext, reason: "stop-at" | "abort"): Promise<DrainResult> {
  await context.evictor.settle(reason === "abort" ? 0 : SETTLE_IN_FLIGHT_MS);
  context.refreshSnapshot();
  await context.saveState();
  context.emit({ kind: "stopped", reason, phase: context.state.phase });
  return buildResult(context, "in-progress", { stoppedBy: reason });
}

function buildResult(
  context: DrainContext,
  status: DrainStatus,
  extra: { stoppedBy?: "stop-at" | "abort"; error?: DrainError },
): DrainResult {
  const present = new Set(context.snapshot.map((snapshot) => snapshot.ref.uid));
  return context.report.result({
    status,
    state: context.state,
    now: context.clock.now(),
    blocked: context.evictor.blockedPods().filter((pod) => present.has(pod.uid)),
    remaining: context.snapshot.filter(mustGo).map((snapshot) => snapshot.ref),
    ...extra,
  });
}

import type { V1Node } from "@kubernetes/client-node";
import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { LifecycleActions, LifecycleHookSettings } from "../aws/lifecycle.js";
import type { LoadBalancing } from "../aws/load-balancing.js";
import type { Clock } from "../drain/clock.js";
import { ClusterError, isRetryable } from "../drain/cluster-port.js";
import { drainNode } from "../drain/drain-node.js";
import type { DrainPolicy } from "../drain/policy.js";
import { isLaunch } from "../events/termination-notice.js";
import { listTargetGroupBindings } from "../kube/target-group-bindings.js";
import { BudgetSharing } from "./budget-sharing.js";
import type { ClusterConnector, ClusterLink } from "./cluster-links.js";
import type { DrainEnding } from "./completion-policy.js";
import { actionOf, type Delivery } from "./delivery.js";
import { DrainReportUpload, type ReportStore } from "./drain-report-upload.js";
import { type DrainRun, runDrainWithHeartbeats } from "./drain-run.js";
import type { JobLog } from "./job-log.js";
import { handleLaunch } from "./launch-action.js";
import { cordonLeavingGroup, drainBatchOf } from "./leaving-group.js";
import { maxRecordedPodIps } from "./lifecycle-record.js";
import { type LocatedNode, locateNode } from "./node-locator.js";
import { NodeRecordStore } from "./node-record-store.js";
import { admit } from "./notice-admission.js";
import { NoticeCloser } from "./notice-closer.js";
import { NoticeError, noticeError } from "./notice-error.js";
import type { NoticeOutcome } from "./notice-outcome.js";
import { leftToOthers, resolveCluster, unservedCluster, unservedGroup } from "./notice-scope.js";
import { NoticeTelemetry, type TelemetrySetup } from "./notice-telemetry.js";
import { heartbeatBeforeRetry } from "./retry-heartbeat.js";
import { placeForRollout } from "./rollout-placement.js";
import type { Settings } from "./settings.js";
import { type TargetWaitSetup, withTargetDeregistration } from "./target-deregistration.js";
import { drainDeadline, type InvocationBudget, invocationBudget } from "./time-budget.js";

/** The job's time rules, injectable so that tests run invocations of a second. */
export interface JobTiming {
  /** Time kept at the end of an invocation to save state, heartbeat and schedule a continuation, ms. */
  invocationMarginMs: number;
  /** How long past the drain's deadline an invocation lets the engine act on it, ms. */
  deadlineSlackMs: number;
  /** How long a scheduled continuation supersedes older copies of the notice, ms. */
  handOffWindowMs: number;
  /** Added to a lease past the invocation's end, for clock differences between containers, ms. */
  leaseSlackMs: number;
}

export type { Delivery } from "./delivery.js";

/** The least time the extra run of a drain stopped past its deadline gets to force what is left. */
const lateForceMs = 10_000;

export const defaultTiming: JobTiming = {
  invocationMarginMs: 30_000,
  deadlineSlackMs: 10_000,
  handOffWindowMs: 20 * 60_000,
  leaseSlackMs: 5_000,
};

export interface LifecycleJobDependencies {
  settings: Settings;
  policy: DrainPolicy;
  clock: Clock;
  lifecycle: LifecycleActions;
  instances: InstanceDirectory;
  /** Kubernetes clients per cluster (EKS access, or the one cluster a kubeconfig names). */
  clusters: ClusterConnector;
  log: JobLog;
  timing: JobTiming;
  /** Metrics, notifications and Kubernetes Events; the log and clock above are used for them too. */
  telemetry?: Omit<TelemetrySetup, "log" | "clock">;
  random?: () => number;
  /** The group's traffic sources and ELBv2 targets: the wait for target deregistration needs them. */
  loadBalancing?: LoadBalancing;
  /** Where each drain's HTML report goes when the drain is over (REPORT_BUCKET); none: no report. */
  reports?: ReportStore;
}

/** One notice's work as it goes: where to close it and what to tell its telemetry. */
interface NoticeWork {
  delivery: Delivery;
  telemetry: NoticeTelemetry;
  closer: NoticeCloser;
}

/**
 * The lifecycle job, one copy for every shell (Lambda, queue worker, CLI, simulate): handles one delivered
 * notice from start to end: is it ours, which cluster, which node; then one drain at a time per action
 * (admission and the lease in the node's lifecycle record), the drain with heartbeats for this delivery's
 * time, and the completion policy's answer (complete once, continue later, or give the notice back).
 * Failures throw a NoticeError; every other end is a NoticeOutcome. It knows no transport.
 */
export class LifecycleJob {
  private readonly sharing: BudgetSharing;

  constructor(private readonly deps: LifecycleJobDependencies) {
    // Drawn once per process (container, worker): turns under a budget are taken per process.
    const identity = `process-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
    this.sharing = new BudgetSharing(deps.policy, deps.random ?? Math.random, identity);
  }

  async run(delivery: Delivery): Promise<NoticeOutcome> {
    const { settings, clock, log } = this.deps;
    const { notice } = delivery;
    const groupProblem = unservedGroup(settings, notice.asgName);
    if (groupProblem !== undefined) return leftToOthers(log, notice, groupProblem);

    const telemetry = new NoticeTelemetry({ ...this.deps.telemetry, log, clock }, notice);
    const closer = new NoticeCloser({ ...this.deps, log: telemetry.log }, delivery);
    try {
      const outcome = await this.runObserved({ delivery, telemetry, closer });
      telemetry.closed(outcome);
      return outcome;
    } catch (error) {
      telemetry.failed(error);
      await heartbeatBeforeRetry(this.deps.lifecycle, delivery, error, telemetry.log);
      throw error;
    } finally {
      await telemetry.settle();
    }
  }

  private async runObserved(work: NoticeWork): Promise<NoticeOutcome> {
    const { settings, lifecycle, instances } = this.deps;
    const { notice } = work.delivery;
    const resolution = await wrapped(`resolving the cluster of instance ${notice.instanceId}`, () =>
      resolveCluster(notice, settings, instances),
    );
    if (resolution.kind === "unresolved") throw new NoticeError(resolution.reason, { retryable: false });
    const { clusterName } = resolution;
    if (resolution.warning !== undefined) {
      work.telemetry.log.warn("notification metadata passed over", { reason: resolution.warning });
    }
    const clusterProblem = unservedCluster(settings, clusterName);
    if (clusterProblem !== undefined) return leftToOthers(work.telemetry.log, notice, clusterProblem);
    work.telemetry.clusterResolved(clusterName);
    if (isLaunch(notice)) return this.launch(work, clusterName, resolution.instance);

    const { link, located } = await this.findNode(clusterName, notice.instanceId, resolution.instance);
    if (located === undefined) return this.close(work, { kind: "no-node" }, undefined);
    work.telemetry.nodeFound(link.client, located.node);

    // The adapter's error already names the group and the hook.
    const hook = await wrapped(undefined, () => lifecycle.describeHook(notice.asgName, notice.hookName));

    const store = new NodeRecordStore(link.port, located.name, notice.token);
    return this.drainOnce(work, { link, hook, store }, located.node);
  }

  /** A launch action: wait for the instance's Node to be Ready and settled, restore it, complete. */
  private async launch(
    work: NoticeWork,
    clusterName: string,
    known: InstanceFacts | undefined,
  ): Promise<NoticeOutcome> {
    const { notice } = work.delivery;
    const link = await wrapped(`connecting to cluster ${clusterName}`, () =>
      this.deps.clusters.link(clusterName),
    );
    const hook = await wrapped(undefined, () =>
      this.deps.lifecycle.describeHook(notice.asgName, notice.hookName),
    );
    const { ending, lastHeartbeatAt } = await this.onCluster(
      link,
      `waiting for the node of launched instance ${notice.instanceId}`,
      () => handleLaunch(this.deps, { delivery: work.delivery, link, hook, known, log: work.telemetry.log }),
    );
    return this.close(work, ending, undefined, lastHeartbeatAt);
  }

  /** Hands the ending to the completion policy, telling the telemetry first. */
  private close(
    work: NoticeWork,
    ending: DrainEnding,
    store: NodeRecordStore | undefined,
    lastHeartbeatAt?: number,
  ): Promise<NoticeOutcome> {
    work.telemetry.drainEnded(ending);
    return work.closer.close(ending, store, lastHeartbeatAt);
  }

  private async drainOnce(
    work: NoticeWork,
    on: { link: ClusterLink; hook: LifecycleHookSettings; store: NodeRecordStore },
    node: V1Node,
  ): Promise<NoticeOutcome> {
    const { clock, settings, timing } = this.deps;
    const { delivery, telemetry } = work;
    const { log } = telemetry;
    const { notice } = delivery;
    const { store, hook } = on;
    const nodeName = store.nodeName;
    const now = clock.now();
    const deadline =
      delivery.deadline ?? drainDeadline(notice.receivedAt, settings.DRAIN_TIMEOUT_SECONDS, hook);
    const budget = invocationBudget({
      now,
      remainingMs: delivery.remainingMs(),
      marginMs: timing.invocationMarginMs,
      deadline,
      deadlineSlackMs: timing.deadlineSlackMs,
    });
    const admission = await this.onCluster(on.link, `claiming the drain of node ${nodeName}`, () =>
      store.update((record) => {
        const decision = admit(record, {
          token: notice.token,
          attempt: delivery.attempt,
          owner: delivery.owner,
          now,
          leaseUntil: leaseEnd(budget, timing) + timing.leaseSlackMs,
          handOffWindowMs: timing.handOffWindowMs,
        });
        return {
          value: { decision, lastHeartbeatAt: record?.lastHeartbeatAt },
          write: decision.kind === "claim" ? decision.record : undefined,
        };
      }, node),
    );
    for (const warning of store.warnings) log.warn("lifecycle record replaced", { nodeName, warning });
    if (admission.kind === "node-gone") return this.close(work, { kind: "no-node" }, undefined);
    const { decision, lastHeartbeatAt } = admission.value;
    switch (decision.kind) {
      case "completed":
        return {
          kind: "duplicate",
          nodeName,
          reason: `the action was already completed (${decision.result}) at ${iso(decision.at)}`,
        };
      case "superseded":
        return {
          kind: "duplicate",
          nodeName,
          reason: `continuation ${decision.handedOffAttempt} already carries the drain`,
        };
      case "busy":
        return {
          kind: "duplicate",
          nodeName,
          reason: `${decision.owner} (attempt ${decision.attempt}) drains the node until ${iso(decision.until)}`,
        };
      case "wait-for-hand-off":
        throw new NoticeError(
          `node ${nodeName} is drained by ${decision.owner} (attempt ${decision.attempt}) until ` +
            `${iso(decision.until)}, which has not handed off to attempt ${delivery.attempt} yet`,
          { retryable: true },
        );
      case "claim":
        break;
    }

    // Batch cordon: the group's other leaving instances first, so no pod is evicted onto them.
    const batch = drainBatchOf(
      await cordonLeavingGroup({
        lifecycle: this.deps.lifecycle,
        instances: this.deps.instances,
        link: on.link,
        policy: this.deps.policy,
        log,
        asgName: notice.asgName,
        instanceId: notice.instanceId,
      }),
      nodeName,
    );
    // During an instance refresh, the nodes still to be replaced repel the evicted pods (PreferNoSchedule).
    const placeRollout = () =>
      settings.ROLLOUT_PLACEMENT
        ? placeForRollout({
            lifecycle: this.deps.lifecycle,
            instances: this.deps.instances,
            link: on.link,
            log,
            asgName: notice.asgName,
            instanceId: notice.instanceId,
            now: clock.now(),
          })
        : undefined;
    await placeRollout();
    log.info("draining", {
      attempt: delivery.attempt,
      deadline: iso(deadline),
      stopAt: iso(budget.stopAt),
    });
    const { policy, random } = this.deps;
    const sharing = this.sharing.acquire(on.link);
    const report =
      this.deps.reports === undefined ? undefined : new DrainReportUpload(this.deps.reports, clock, policy);
    const cluster = report?.watching(on.link.port) ?? on.link.port;
    const drainFor = (stopAt: number, beatAt: number | undefined, heartbeatAtOnce: boolean) =>
      runDrainWithHeartbeats({
        clock,
        lifecycle: this.deps.lifecycle,
        action: actionOf(delivery),
        hook,
        actionStartedAt: Date.parse(notice.receivedAt),
        nodeName,
        drain: withTargetDeregistration(
          (signal, observer) =>
            drainNode({
              cluster,
              clock,
              nodeName,
              policy,
              deadline,
              stopAt,
              signal,
              observer,
              sharedBudgets: sharing.shared,
              // The leaving nodes' drains run at once: each budget's room is shared among them.
              ...batch,
              // A token known only to this run (a hook finished by hand) names no lifecycle action.
              ...(delivery.byInstance === true ? {} : { actionToken: notice.token }),
              ...(random === undefined ? {} : { random }),
            }),
          this.targetWait(on.link, work, { store, deadline, stopAt }),
        ),
        lastHeartbeatAt: beatAt,
        heartbeatAtOnce,
        log,
        observer: (event) => {
          telemetry.observer(event);
          report?.observe(event);
          delivery.observer?.(event);
        },
        shutdown: delivery.signal,
      });
    let run: DrainRun;
    try {
      // By hand, the action has waited for who knows how long: heartbeat before anything else.
      run = await drainFor(budget.stopAt, lastHeartbeatAt, delivery.byInstance === true);
      if (this.mustForceNow(run, deadline, budget)) {
        // The run stopped just past the deadline before it could act on it: under ON_DEADLINE=force, one
        // more short run applies the deadline (force what is left) rather than completing with pods left.
        log.info("the drain stopped at its deadline before forcing: running it once more to force");
        const stopAt = Math.min(
          budget.invocationEndsAt - timing.invocationMarginMs / 4,
          clock.now() + Math.max(timing.deadlineSlackMs, lateForceMs),
        );
        run = await drainFor(stopAt, run.lastHeartbeatAt ?? lastHeartbeatAt, false);
      }
    } finally {
      sharing.release();
    }
    // Seen again once drained: a refresh cancelled (or over) meanwhile has its taints removed now.
    await placeRollout();
    delivery.onDrainRun?.(run);
    telemetry.drainRan(run);
    const reportUri = await report?.write(
      { clusterName: on.link.clusterName, nodeName, instanceId: notice.instanceId, run },
      log,
      () => telemetry.reportFailed(),
    );
    if (reportUri !== undefined) telemetry.reportWritten(reportUri);
    if (run.result !== undefined) {
      const { status, counts, remaining, blocked } = run.result;
      log.info("drain run ended", {
        status,
        ending: run.ending.kind,
        evictedInAll: counts.evicted,
        forcedInAll: counts.forced,
        invocations: counts.invocations,
        remaining: remaining.length,
        blocked: blocked.length,
        heartbeats: run.heartbeats,
      });
    }
    return this.close(work, run.ending, store, run.lastHeartbeatAt);
  }

  /** The run ended "in progress" past the deadline under ON_DEADLINE=force, with time left to force. */
  private mustForceNow(run: DrainRun, deadline: number, budget: InvocationBudget): boolean {
    const { clock, settings, timing } = this.deps;
    const now = clock.now();
    return (
      run.result?.status === "in-progress" &&
      run.ending.kind === "deadline-reached" &&
      settings.ON_DEADLINE === "force" &&
      now >= deadline &&
      budget.invocationEndsAt - now > timing.invocationMarginMs / 2
    );
  }

  /** The wait for target deregistration after the drain, when load balancing is wired in. */
  private targetWait(
    link: ClusterLink,
    work: NoticeWork,
    at: { store: NodeRecordStore; deadline: number; stopAt: number },
  ): TargetWaitSetup | undefined {
    const { loadBalancing, settings, clock } = this.deps;
    if (loadBalancing === undefined) return undefined;
    const { notice } = work.delivery;
    return {
      clock,
      loadBalancing,
      bindings: () => listTargetGroupBindings(link.client),
      podsOnNode: () => link.port.listPodsOnNode(at.store.nodeName),
      asgName: notice.asgName,
      instanceId: notice.instanceId,
      wait: settings.WAIT_FOR_TARGET_DEREGISTRATION,
      deregister: settings.DEREGISTER_TARGETS,
      deadline: at.deadline,
      stopAt: at.stopAt,
      log: work.telemetry.log,
      onProgress: (progress) => work.telemetry.targetsProgress(progress),
      evictedIps: evictedIpsOn(at.store, notice.token),
    };
  }

  /**
   * Connects to the cluster and finds the instance's node. A connection kept from an earlier invocation
   * may have been closed while the container was frozen: after a network failure the lookup is tried once
   * more on a fresh connection.
   */
  private async findNode(
    clusterName: string,
    instanceId: string,
    known: InstanceFacts | undefined,
  ): Promise<{ link: ClusterLink; located: LocatedNode | undefined }> {
    const { clusters: links, instances } = this.deps;
    const context = `finding the node of ${instanceId} in cluster ${clusterName}`;
    for (let attempt = 1; ; attempt++) {
      const link = await wrapped(`connecting to cluster ${clusterName}`, () => links.link(clusterName));
      try {
        return { link, located: await locateNode(link.client, instances, instanceId, known) };
      } catch (error) {
        const network = error instanceof ClusterError && error.kind === "network";
        if (network) links.forget(clusterName);
        if (!network || attempt >= 2) throw noticeError(context, error);
      }
    }
  }

  /** Runs a Kubernetes call; a network failure makes the next notice describe the cluster again. */
  private async onCluster<T>(link: ClusterLink, context: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ClusterError && error.kind === "network")
        this.deps.clusters.forget(link.clusterName);
      throw noticeError(context, error);
    }
  }
}

/** The evicted pods' IPs kept in the node's lifecycle record, so that a continuation waits for them too. */
function evictedIpsOn(store: NodeRecordStore, token: string): TargetWaitSetup["evictedIps"] {
  return {
    recall: async () => {
      const read = await store.update((record) => ({ value: record?.podIps ?? [] }));
      return read.kind === "updated" ? read.value : [];
    },
    remember: async (ips) => {
      await store.update((record) => {
        const current = record ?? { token };
        const podIps = [...new Set([...(current.podIps ?? []), ...ips])].slice(-maxRecordedPodIps);
        return { value: undefined, write: { ...current, podIps } };
      });
    },
  };
}

/** Runs an AWS or setup call, wrapping its failure with context (if any) and its retryability. */
async function wrapped<T>(context: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (context !== undefined) throw noticeError(context, error);
    const message = error instanceof Error ? error.message : String(error);
    throw new NoticeError(message, { retryable: isRetryable(error), cause: error });
  }
}

/**
 * Until when this delivery holds the drain: the end of its invocation; a delivery without a time limit (a
 * worker, the CLI) until the drain must stop, plus the time kept to close the notice.
 */
function leaseEnd(budget: InvocationBudget, timing: JobTiming): number {
  if (Number.isFinite(budget.invocationEndsAt)) return budget.invocationEndsAt;
  return budget.stopAt + timing.invocationMarginMs;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

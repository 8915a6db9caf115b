import type { V1Pod } from "@kubernetes/client-node";
import type { LoadBalancing, RegisteredTarget } from "../aws/load-balancing.js";
import type { Clock } from "../drain/clock.js";
import type { DrainObserver } from "../drain/events.js";
import type { DrainResult } from "../drain/result.js";
import type { BoundTargetGroup } from "../kube/target-group-bindings.js";
import { describeError, type JobLog } from "./job-log.js";

/** How often the target groups are asked while targets drain, ms. */
export const targetPollMs = 5_000;

/** What the wait for target deregistration reports as it goes (Events, progress). */
export type TargetProgress =
  | { kind: "waiting"; at: number; targetGroups: string[]; until: number }
  | { kind: "deregistered"; at: number; waitedMs: number; targetGroups: string[] }
  | { kind: "timed-out"; at: number; waitedMs: number; targetGroups: string[]; atDeadline: boolean };

export interface TargetWaitSetup {
  clock: Clock;
  loadBalancing: LoadBalancing;
  /** The cluster's TargetGroupBindings. */
  bindings: () => Promise<BoundTargetGroup[]>;
  /** The pods on the node now (their IPs are the ip targets to wait for once they are evicted). */
  podsOnNode: () => Promise<V1Pod[]>;
  asgName: string;
  instanceId: string;
  /** WAIT_FOR_TARGET_DEREGISTRATION: undefined waits when there is a target group to wait for. */
  wait: boolean | undefined;
  /** DEREGISTER_TARGETS: deregister the instance from the group's target groups first. */
  deregister: boolean;
  /** The drain's deadline: the wait never goes past it. */
  deadline: number;
  /** When this run must stop (its invocation's end): a wait cut here goes on in a continuation. */
  stopAt: number;
  log: JobLog;
  onProgress?: (progress: TargetProgress) => void;
  pollMs?: number;
  /** Where the evicted pods' IPs are kept between runs (the node's lifecycle record): a continuation waits for them too. */
  evictedIps?: { recall(): Promise<string[]>; remember(ips: readonly string[]): Promise<void> };
}

type Drain = (signal: AbortSignal, observer: DrainObserver) => Promise<DrainResult>;

/** One target group the node has targets in, and which of its targets are the node's. */
interface Watched {
  arn: string;
  name: string;
  /** `instance` targets are the instance ID; `ip` targets the evicted pods' IPs. */
  targetType: "instance" | "ip";
  /** Attached to the Auto Scaling group (where DEREGISTER_TARGETS applies). */
  ofGroup: boolean;
}

/**
 * Wraps the drain: once it has drained the node (or forced it at the deadline), waits until the node no
 * longer has targets in the load balancers' target groups: the instance in the group's target groups and
 * in instance TargetGroupBindings, the evicted pods' IPs in ip TargetGroupBindings. Pods leave the node in
 * seconds, but a load balancer keeps sending to a target for its deregistration delay (300 s by default):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 * A target counts as gone when DescribeTargetHealth no longer lists it (or lists it `unused`). The wait is
 * bounded by the deadline (then the action is completed anyway, and the groups still draining are named)
 * and by the run's stop time (then the run ends in progress, and a continuation waits on).
 */
export function withTargetDeregistration(drain: Drain, setup: TargetWaitSetup | undefined): Drain {
  if (setup === undefined || (setup.wait === false && !setup.deregister)) return drain;
  return async (signal, observer) => {
    const addresses = await podAddresses(setup);
    const evicted = new Set<string>();
    const result = await drain(signal, (event) => {
      if (event.kind === "evicted" || event.kind === "forced") evicted.add(podKey(event.pod));
      observer(event);
    });
    const fresh = [...evicted].flatMap((key) => addresses.get(key) ?? []);
    const remembered = await keptIps(setup, fresh);
    if (result.status !== "drained" && result.status !== "deadline-forced") return result;
    const podIps = [...new Set([...remembered, ...fresh])];
    // The engine's deadline may be nearer than the job's (a Spot warning's drain it resumed).
    const deadline = Math.min(setup.deadline, result.deadline);
    const ended = await waitForTargets({ ...setup, deadline }, podIps, signal);
    return ended === "out-of-time" ? { ...result, status: "in-progress" } : result;
  };
}

/** Keeps this run's evicted IPs with those of earlier runs, and returns the earlier ones. Best effort. */
async function keptIps(setup: TargetWaitSetup, fresh: readonly string[]): Promise<string[]> {
  const store = setup.evictedIps;
  if (store === undefined) return [];
  try {
    const earlier = await store.recall();
    if (fresh.length > 0) await store.remember(fresh);
    return earlier;
  } catch (error) {
    setup.log.warn("keeping the evicted pods' IPs on the node failed", { error: describeError(error) });
    return [];
  }
}

async function podAddresses(setup: TargetWaitSetup): Promise<Map<string, string>> {
  try {
    const pods = await setup.podsOnNode();
    const addresses = new Map<string, string>();
    for (const pod of pods) {
      const ip = pod.status?.podIP;
      if (ip === undefined || pod.spec?.hostNetwork === true) continue;
      addresses.set(`${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`, ip);
    }
    return addresses;
  } catch (error) {
    setup.log.warn("listing the node's pods for their IP targets failed; ip targets are not waited for", {
      error: describeError(error),
    });
    return new Map();
  }
}

function podKey(pod: { namespace: string; name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

/** Waits; "done" also when there was nothing to wait for or the deadline came. */
async function waitForTargets(
  setup: TargetWaitSetup,
  podIps: readonly string[],
  signal: AbortSignal,
): Promise<"done" | "out-of-time"> {
  const { clock, log, loadBalancing } = setup;
  const watched = await watchedTargetGroups(setup, podIps.length > 0);
  if (setup.deregister) await deregisterInstance(setup, watched);
  if (setup.wait === false || watched.length === 0) return "done";
  const ips = new Set(podIps);
  const startedAt = clock.now();
  const until = Math.min(setup.deadline, setup.stopAt);
  let reported = "";
  for (;;) {
    const draining: string[] = [];
    for (const group of watched) {
      let targets: RegisteredTarget[];
      try {
        targets = await loadBalancing.targets.registeredTargets(group.arn);
      } catch (error) {
        log.warn("describing a target group's targets failed; asking again", {
          targetGroup: group.name,
          error: describeError(error),
        });
        draining.push(group.name);
        continue;
      }
      const mine = targets.filter(
        (target) =>
          target.state !== "unused" &&
          (group.targetType === "instance" ? target.id === setup.instanceId : ips.has(target.id)),
      );
      if (mine.length > 0) draining.push(group.name);
    }
    const now = clock.now();
    const names = [...new Set(draining)].sort();
    if (names.length === 0) {
      if (reported !== "") {
        setup.onProgress?.({
          kind: "deregistered",
          at: now,
          waitedMs: now - startedAt,
          targetGroups: watched.map((group) => group.name),
        });
      }
      log.info("targets deregistered", {
        targetGroups: watched.map((group) => group.name),
        waitedMs: now - startedAt,
      });
      return "done";
    }
    if (now >= until) {
      const atDeadline = now >= setup.deadline;
      if (!atDeadline) return "out-of-time";
      setup.onProgress?.({
        kind: "timed-out",
        at: now,
        waitedMs: now - startedAt,
        targetGroups: names,
        atDeadline,
      });
      log.warn("target groups still draining at the deadline; completing anyway", { targetGroups: names });
      return "done";
    }
    if (names.join(",") !== reported) {
      reported = names.join(",");
      setup.onProgress?.({ kind: "waiting", at: now, targetGroups: names, until });
      log.info("waiting for target deregistration", {
        targetGroups: names,
        until: new Date(until).toISOString(),
      });
    }
    try {
      await clock.sleep(Math.max(1, Math.min(setup.pollMs ?? targetPollMs, until - now)), signal);
    } catch {
      return "out-of-time";
    }
  }
}

/** The target groups the node may have targets in: the group's, and those of TargetGroupBindings. */
async function watchedTargetGroups(setup: TargetWaitSetup, withIps: boolean): Promise<Watched[]> {
  const watched = new Map<string, Watched>();
  try {
    for (const source of await setup.loadBalancing.trafficSources.trafficSources(setup.asgName)) {
      if (source.type === "elbv2") {
        watched.set(source.identifier, {
          arn: source.identifier,
          name: targetGroupName(source.identifier),
          targetType: "instance",
          ofGroup: true,
        });
      } else {
        setup.log.warn("traffic source not waited for (only ELBv2 target groups are)", {
          type: source.type,
          identifier: source.identifier,
        });
      }
    }
  } catch (error) {
    setup.log.warn("describing the group's traffic sources failed; its target groups are not waited for", {
      error: describeError(error),
    });
  }
  try {
    for (const bound of await setup.bindings()) {
      if (bound.targetType === "ip" && !withIps) continue;
      if (watched.has(bound.targetGroupArn)) continue;
      watched.set(bound.targetGroupArn, {
        arn: bound.targetGroupArn,
        name: targetGroupName(bound.targetGroupArn),
        targetType: bound.targetType,
        ofGroup: false,
      });
    }
  } catch (error) {
    setup.log.warn("listing TargetGroupBindings failed; their target groups are not waited for", {
      error: describeError(error),
    });
  }
  return [...watched.values()];
}

/** DEREGISTER_TARGETS: the instance leaves the group's target groups now rather than when Auto Scaling says. */
async function deregisterInstance(setup: TargetWaitSetup, watched: readonly Watched[]): Promise<void> {
  for (const group of watched.filter((candidate) => candidate.ofGroup)) {
    try {
      const targets = await setup.loadBalancing.targets.registeredTargets(group.arn);
      const serving = targets.filter(
        (target) =>
          target.id === setup.instanceId && target.state !== "draining" && target.state !== "unused",
      );
      if (serving.length === 0) continue;
      await setup.loadBalancing.targets.deregister(group.arn, serving);
      setup.log.info("deregistered the instance from a target group", { targetGroup: group.name });
    } catch (error) {
      setup.log.warn("deregistering the instance failed; waiting for Auto Scaling to do it", {
        targetGroup: group.name,
        error: describeError(error),
      });
    }
  }
}

/** "my-targets" of arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/my-targets/73e2d6bc24d8a067. */
export function targetGroupName(arn: string): string {
  const parts = arn.split(":").at(-1)?.split("/") ?? [];
  return parts[0] === "targetgroup" && parts[1] !== undefined ? parts[1] : arn;
}

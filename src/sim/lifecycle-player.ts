import type { Clock } from "../time/clock.js";
import type { SimulatedAutoScalingGroup } from "./auto-scaling-group.js";
import type { AutoScalingOptions, LifecycleEvent } from "./lifecycle-script.js";
import type { SimCluster } from "./sim-cluster.js";

/** Hands a lifecycle event to the drainer (a shell) and resolves once it has done all it will with it. */
export type LifecycleDelivery = (event: Record<string, unknown>) => Promise<{ stoppedEarly?: string }>;

export interface LifecyclePlayerOptions {
  sim: SimCluster;
  group: SimulatedAutoScalingGroup;
  clock: Clock;
  autoScaling: AutoScalingOptions;
  deliver: LifecycleDelivery;
  /** Told what happens on the instance side, for the timeline. */
  onStep?: (text: string) => void;
}

/** How often the player looks whether an action is still waiting once the drainer is done with it. */
const pollMs = 1_000;

/**
 * Plays a scenario's `lifecycle:` script against the simulated cluster and group, as EC2 Auto Scaling
 * would: each event in order, `afterSeconds` after the previous one is over. A terminate action goes to
 * the drainer; once it has ended (completed, or timed out) the instance terminates (its Node is deleted)
 * or, towards the warm pool, stops (its kubelet stops: the Node goes NotReady after the node-monitor grace
 * period, and is kept). A launch starts the instance: its kubelet posts Ready `instanceStartSeconds` later
 * on the Node it left, cordon, taints and labels as they were; with a launch hook, the launch action goes to
 * the drainer meanwhile. A root-volume replacement is a terminate action (the instance keeps running until
 * it ends), a restart, and a launch action
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/replace-root-volume.html; the Origin and
 * Destination of those two actions, AutoScalingGroup for both, are this simulator's assumption).
 */
export class LifecyclePlayer {
  constructor(private readonly options: LifecyclePlayerOptions) {}

  async play(script: readonly LifecycleEvent[]): Promise<{ stoppedEarly?: string }> {
    const refreshes: Promise<string | undefined>[] = [];
    for (const event of script) {
      await this.options.clock.sleep(event.afterSeconds * 1000);
      if (event.kind === "instanceRefresh") {
        refreshes.push(this.refresh(event));
        continue;
      }
      if (event.kind === "cancelInstanceRefresh") {
        this.options.group.cancelInstanceRefresh();
        this.tell("CancelInstanceRefresh: the batch under way finishes, no further batch starts");
        continue;
      }
      const stopped = await this.step(event);
      if (stopped !== undefined) return { stoppedEarly: stopped };
    }
    const stopped = (await Promise.all(refreshes)).find((reason) => reason !== undefined);
    return stopped === undefined ? {} : { stoppedEarly: stopped };
  }

  /**
   * An instance refresh, batch by batch: the batch's new instances start and their Nodes join Ready after
   * instanceStartSeconds, InstanceWarmup passes, then the batch's old instances get their terminate actions
   * at once; the next batch starts once all of them have ended. The batch size is what the minimum healthy
   * percentage leaves room for, at least one (a simplification of
   * https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html).
   */
  private async refresh(
    event: Extract<LifecycleEvent, { kind: "instanceRefresh" }>,
  ): Promise<string | undefined> {
    const { sim, group, clock, autoScaling } = this.options;
    const old = event.nodes ?? sim.scenario.nodes.filter((node) => node.joined).map((node) => node.name);
    const spares = sim.scenario.nodes.filter((node) => !node.joined).map((node) => node.name);
    const size = Math.max(1, Math.floor((old.length * (100 - event.minHealthyPercentage)) / 100));
    group.startInstanceRefresh(old.map((node) => this.instanceOf(node)));
    this.tell(`instance refresh of ${old.length} instance(s) in batches of ${size}`);
    for (let start = 0; start < old.length; start += size) {
      if (group.instanceRefreshCancelling) break;
      const batch = old.slice(start, start + size);
      const joining = batch.map((node) => {
        const spare = spares.shift();
        if (spare === undefined)
          throw new Error(`instance refresh replacing ${node}: no scenario node with joined: false is left`);
        return spare;
      });
      await clock.sleep(autoScaling.instanceStartSeconds * 1000);
      for (const node of joining) {
        sim.joinNode(node);
        this.tell(`${this.instanceOf(node)} launched by the refresh: node ${node} joins Ready`);
      }
      await clock.sleep(event.instanceWarmupSeconds * 1000);
      const stopped = (await Promise.all(batch.map((node) => this.terminate(node, "EC2")))).find(
        (reason) => reason !== undefined,
      );
      if (stopped !== undefined) return stopped;
    }
    const cancelled = group.instanceRefreshCancelling;
    group.endInstanceRefresh();
    this.tell(`instance refresh ${cancelled ? "cancelled" : "successful"}`);
    return undefined;
  }

  /** A terminate action; once it has ended, the instance terminates (or stops in the warm pool). */
  private async terminate(node: string, destination: "EC2" | "WarmPool"): Promise<string | undefined> {
    const { sim, group } = this.options;
    const instanceId = this.instanceOf(node);
    const started = group.terminate(instanceId, { destination });
    this.tell(`${instanceId} (node ${node}): terminate lifecycle action towards ${destination}`);
    const stopped = await this.runAction(started);
    if (destination === "WarmPool") {
      sim.stopKubelet(node);
      this.tell(`${instanceId} stopped in the warm pool: node ${node} goes NotReady`);
    } else if (sim.view.nodes().some((candidate) => candidate.metadata.name === node)) {
      sim.deleteNode(node);
      this.tell(`${instanceId} terminated: node ${node} deleted`);
    }
    return stopped;
  }

  private async step(
    event: Exclude<LifecycleEvent, { kind: "instanceRefresh" | "cancelInstanceRefresh" }>,
  ): Promise<string | undefined> {
    const { sim, group, autoScaling } = this.options;
    const instanceId = this.instanceOf(event.node);
    switch (event.kind) {
      case "terminate": {
        if (event.destination === "WarmPool" && !autoScaling.warmPool) {
          throw new Error(`terminate of ${event.node} towards the warm pool: the group has no warm pool`);
        }
        return this.terminate(event.node, event.destination);
      }
      case "launch":
        return this.start(event.node, instanceId, { origin: event.origin, destination: "AutoScalingGroup" });
      case "replaceRootVolume": {
        const started = group.terminate(instanceId, {
          origin: "AutoScalingGroup",
          destination: "AutoScalingGroup",
        });
        this.tell(`${instanceId} (node ${event.node}): root volume replacement, terminate lifecycle action`);
        const stopped = await this.runAction(started);
        if (stopped !== undefined) return stopped;
        sim.stopKubelet(event.node);
        this.tell(`${instanceId} restarts with its new root volume`);
        return this.start(event.node, instanceId, {
          origin: "AutoScalingGroup",
          destination: "AutoScalingGroup",
        });
      }
      case "uncordon":
      case "cordon":
        sim.setUnschedulable(event.node, event.kind === "cordon");
        this.tell(`operator: kubectl ${event.kind} ${event.node}`);
        return undefined;
    }
  }

  /** The instance starts: Ready after instanceStartSeconds; a launch hook's action meanwhile. */
  private async start(
    node: string,
    instanceId: string,
    places: { origin: string; destination: string },
  ): Promise<string | undefined> {
    const { sim, group, clock, autoScaling } = this.options;
    const ready = clock.sleep(autoScaling.instanceStartSeconds * 1000).then(() => {
      sim.startKubelet(node);
      this.tell(`${instanceId} started: node ${node}'s kubelet posts Ready`);
    });
    if (!autoScaling.launchHook) {
      await ready;
      return undefined;
    }
    const started = group.launch(instanceId, places);
    this.tell(`${instanceId} (node ${node}): launch lifecycle action from ${places.origin}`);
    const stopped = await this.runAction(started);
    await ready;
    return stopped;
  }

  /** Delivers the action's event and waits until the action is no longer waiting (completed or timed out). */
  private async runAction(started: {
    event: Record<string, unknown>;
    token: string;
  }): Promise<string | undefined> {
    const { group, clock } = this.options;
    const delivered = await this.options.deliver(started.event);
    if (delivered.stoppedEarly !== undefined) return delivered.stoppedEarly;
    while (group.action(started.token)?.state === "waiting") await clock.sleep(pollMs);
    return undefined;
  }

  private instanceOf(nodeName: string): string {
    const node = this.options.sim.scenario.nodes.find((candidate) => candidate.name === nodeName);
    if (node === undefined)
      throw new Error(`lifecycle event for node ${nodeName}: no such node in the scenario`);
    return node.instanceId;
  }

  private tell(text: string): void {
    this.options.onStep?.(text);
  }
}

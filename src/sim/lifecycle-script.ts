import * as z from "zod";

/**
 * A scenario's Auto Scaling side: the group's options (`autoScaling:`) and an ordered script of lifecycle
 * events (`lifecycle:`). Each event is one entry of a discriminated union on `kind`, so that new kinds
 * join the list without touching the others. src/sim/README.md documents every field; keep the two in step.
 */

const seconds = z.number().min(0);
const nodeName = z.string().min(1);
/**
 * When the event happens: this many seconds after the previous event is over (its lifecycle actions
 * completed or timed out, the instance stopped or back), or after the start for the first event.
 */
const afterSeconds = seconds.default(0);

export const autoScalingSchema = z.strictObject({
  /** The hooks' HeartbeatTimeout, 30–7200 s; default: the command's --heartbeat-timeout. */
  heartbeatTimeoutSeconds: z.number().int().min(30).max(7200).optional(),
  /** The hooks' DefaultResult (default ABANDON). */
  defaultResult: z.enum(["CONTINUE", "ABANDON"]).optional(),
  /** The group has a launch lifecycle hook: every launch of an instance waits for its action. */
  launchHook: z.boolean().default(false),
  /** The group has a warm pool (ReuseOnScaleIn): terminate events may go to it (destination WarmPool). */
  warmPool: z.boolean().default(false),
  /** Seconds from an instance's start until its kubelet posts Ready. */
  instanceStartSeconds: seconds.default(20),
});

export const lifecycleEventSchema = z.discriminatedUnion("kind", [
  /** A terminate lifecycle action; towards EC2 the instance terminates (its Node is deleted), towards the warm pool it stops. */
  z.strictObject({
    kind: z.literal("terminate"),
    node: nodeName,
    destination: z.enum(["EC2", "WarmPool"]).default("EC2"),
    afterSeconds,
  }),
  /** The instance starts (from the warm pool, or a stopped instance of EC2): its Node is Ready again. */
  z.strictObject({
    kind: z.literal("launch"),
    node: nodeName,
    origin: z.enum(["EC2", "WarmPool"]).default("WarmPool"),
    afterSeconds,
  }),
  /** An instance refresh replaces the root volume: a terminate action, the instance restarts, a launch action. */
  z.strictObject({ kind: z.literal("replaceRootVolume"), node: nodeName, afterSeconds }),
  /**
   * An instance refresh (StartInstanceRefresh): in batches of as many instances as the minimum healthy
   * percentage allows leaving at once, new instances join as new Nodes (the scenario's nodes with
   * `joined: false`, in order) before the old ones get their terminate actions; the next batch starts when
   * the previous batch's actions have ended. The script goes on at once (a `cancelInstanceRefresh` may follow).
   */
  z.strictObject({
    kind: z.literal("instanceRefresh"),
    /** MinHealthyPercentage, 0–100 (default 90). */
    minHealthyPercentage: z.number().int().min(0).max(100).default(90),
    /** InstanceWarmup: seconds after a new instance is Ready before the old ones of its batch are terminated. */
    instanceWarmupSeconds: seconds.default(0),
    /** The nodes to replace, in order; default every node that has joined at the start. */
    nodes: z.array(nodeName).min(1).optional(),
    afterSeconds,
  }),
  /** CancelInstanceRefresh: the batch under way finishes, no other starts; the refresh ends Cancelled. */
  z.strictObject({ kind: z.literal("cancelInstanceRefresh"), afterSeconds }),
  /** An operator's `kubectl uncordon`: spec.unschedulable false, nothing else. */
  z.strictObject({ kind: z.literal("uncordon"), node: nodeName, afterSeconds }),
  /** An operator's `kubectl cordon`. */
  z.strictObject({ kind: z.literal("cordon"), node: nodeName, afterSeconds }),
]);

export type AutoScalingOptions = z.infer<typeof autoScalingSchema>;
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;

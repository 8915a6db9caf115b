import * as z from "zod";

/**
 * ELBv2 target groups in memory: targets (instance IDs or IP addresses) that are registered, then
 * `draining` for the group's deregistration delay after a deregistration, then gone. States as
 * DescribeTargetHealth reports them:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 * and the deregistration delay (300 s by default):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 * Every target's history is kept, so that a report can say when each stopped receiving traffic.
 */

/** A scenario's `targetGroups` entry. */
export const targetGroupSchema = z.strictObject({
  name: z.string().min(1).max(32),
  targetType: z.enum(["instance", "ip"]),
  port: z.number().int().min(1).max(65535).default(80),
  /** ELBv2's deregistration_delay.timeout_seconds: 0–3600, 300 by default. */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(300),
  /** Attached to the Auto Scaling group (a traffic source of type elbv2): every node's instance is a target. */
  attachedToGroup: z.boolean().default(false),
  /**
   * Bound through an AWS Load Balancer Controller TargetGroupBinding in this namespace, for the Service
   * `serviceName`: ip targets are the Ready pods matching `podLabels`; instance targets are the nodes not
   * labelled node.kubernetes.io/exclude-from-external-load-balancers.
   */
  binding: z
    .strictObject({
      namespace: z.string().min(1).default("default"),
      name: z.string().min(1).optional(),
      serviceName: z.string().min(1),
      podLabels: z.record(z.string(), z.string()).default({}),
    })
    .optional(),
});

export type ScenarioTargetGroup = z.infer<typeof targetGroupSchema>;

export type TargetState = "healthy" | "draining";

export interface TargetRecord {
  id: string;
  port: number;
  registeredAt: number;
  /** When it was deregistered: from then on no new connections (state `draining`). */
  drainingSince?: number;
  /** When the deregistration delay ended: no traffic at all, the target is gone. */
  removedAt?: number;
}

export class SimulatedTargetGroup {
  readonly arn: string;
  private readonly records: TargetRecord[] = [];

  constructor(
    readonly spec: ScenarioTargetGroup,
    private readonly clock: { now(): number },
    location: { region: string; accountId: string; index: number },
  ) {
    const suffix = (0x5e7a0000 + location.index).toString(16).padStart(16, "0");
    this.arn = `arn:aws:elasticloadbalancing:${location.region}:${location.accountId}:targetgroup/${spec.name}/${suffix}`;
  }

  get name(): string {
    return this.spec.name;
  }

  /** Registers a target (again, if it was deregistered); an active registration is left as it is. */
  register(id: string, port = this.spec.port): void {
    if (this.active(id) !== undefined) return;
    this.records.push({ id, port, registeredAt: this.clock.now() });
  }

  /** Starts the deregistration delay of an active, not yet draining target. */
  deregister(id: string): void {
    const record = this.active(id);
    if (record === undefined || record.drainingSince !== undefined) return;
    const now = this.clock.now();
    record.drainingSince = now;
    record.removedAt = now + this.spec.deregistrationDelaySeconds * 1000;
  }

  /** The targets registered now, with their state. */
  targets(): { id: string; port: number; state: TargetState }[] {
    const now = this.clock.now();
    return this.records
      .filter((record) => record.removedAt === undefined || record.removedAt > now)
      .map((record) => ({
        id: record.id,
        port: record.port,
        state: record.drainingSince === undefined ? "healthy" : "draining",
      }));
  }

  /** Every registration ever made, oldest first. */
  history(): TargetRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** Whether `id` is registered and not draining. */
  serving(id: string): boolean {
    return this.active(id)?.drainingSince === undefined && this.active(id) !== undefined;
  }

  private active(id: string): TargetRecord | undefined {
    const now = this.clock.now();
    return this.records.findLast(
      (record) => record.id === id && (record.removedAt === undefined || record.removedAt > now),
    );
  }
}

/** The account's target groups, by ARN. */
export class TargetGroupDirectory {
  private readonly groups = new Map<string, SimulatedTargetGroup>();

  constructor(
    specs: readonly ScenarioTargetGroup[],
    clock: { now(): number },
    location: { region?: string; accountId?: string } = {},
  ) {
    specs.forEach((spec, index) => {
      const group = new SimulatedTargetGroup(spec, clock, {
        region: location.region ?? "us-west-2",
        accountId: location.accountId ?? "123456789012",
        index,
      });
      this.groups.set(group.arn, group);
    });
  }

  all(): SimulatedTargetGroup[] {
    return [...this.groups.values()];
  }

  find(arn: string): SimulatedTargetGroup | undefined {
    return this.groups.get(arn);
  }

  /**
   * Auto Scaling deregisters a terminating instance from the target groups attached to the group
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks-overview.html, step 4).
   */
  deregisterFromAttached(instanceId: string): void {
    for (const group of this.all()) if (group.spec.attachedToGroup) group.deregister(instanceId);
  }

  /** The ARNs of the groups attached to the Auto Scaling group. */
  attachedToGroup(): string[] {
    return this.all()
      .filter((group) => group.spec.attachedToGroup)
      .map((group) => group.arn);
  }
}

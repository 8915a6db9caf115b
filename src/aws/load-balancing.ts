/**
 * Load balancing as the drainer sees it: the Auto Scaling group's traffic sources, and the targets of an
 * ELBv2 target group. Implemented over Auto Scaling and ELBv2 (load-balancing-clients.ts) and, for
 * simulations, by the simulated group (traffic sources) and a local ELBv2 endpoint (targets).
 */

/**
 * One traffic source of a group, as DescribeTrafficSources lists it: `elbv2` (the identifier is a target
 * group ARN), `elb` (a Classic Load Balancer's name) or `vpc-lattice`.
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_TrafficSourceState.html
 */
export interface TrafficSource {
  type: string;
  identifier: string;
}

export interface GroupTrafficSources {
  trafficSources(asgName: string): Promise<TrafficSource[]>;
}

/**
 * A registered target and its TargetHealth state (`initial`, `healthy`, `unhealthy`, `unused`, `draining`,
 * `unavailable`): https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 */
export interface RegisteredTarget {
  id: string;
  port?: number;
  state: string;
}

export interface TargetGroupTargets {
  /** Every target registered in the group (DescribeTargetHealth without a target list). */
  registeredTargets(targetGroupArn: string): Promise<RegisteredTarget[]>;
  /** DeregisterTargets: the targets start draining for the group's deregistration delay. */
  deregister(targetGroupArn: string, targets: readonly { id: string; port?: number }[]): Promise<void>;
}

/** Both halves, as the lifecycle job takes them. */
export interface LoadBalancing {
  trafficSources: GroupTrafficSources;
  targets: TargetGroupTargets;
}

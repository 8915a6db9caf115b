import type { ClusterAccess } from "../aws/cluster-access.js";
import {
  SimulatedAutoScalingGroup,
  type SimulatedAutoScalingGroupOptions,
  simulatedClusterAccess,
} from "./auto-scaling-group.js";
import type { Scenario } from "./scenario-schema.js";
import type { SimClock } from "./sim-clock.js";
import { type SimCluster, type SimClusterOptions, startSimCluster } from "./sim-cluster.js";
import { SimulatedInstances } from "./simulated-instances.js";

export interface SimulatedDeploymentOptions {
  scenario: Scenario;
  /** The cluster's name: in the hook's NotificationMetadata and the instances' `eks:cluster-name` tag. */
  clusterName: string;
  /** One clock for the cluster, the group and the drainer. */
  clock: SimClock;
  /** Options of the simulated cluster besides its clock. */
  sim?: Omit<SimClusterOptions, "clock">;
  /** The Auto Scaling group and its terminate hook (name, hook name, heartbeat timeout...). */
  asg?: SimulatedAutoScalingGroupOptions;
  /** Replaces the stand-in that points every cluster name at the simulated cluster. */
  clusterAccess?: (sim: SimCluster) => ClusterAccess;
}

/** What a drainer deployment faces, simulated: the cluster, the Auto Scaling group, EC2 and EKS access. */
export interface SimulatedDeployment {
  clusterName: string;
  clock: SimClock;
  sim: SimCluster;
  asg: SimulatedAutoScalingGroup;
  /** EC2 as the simulation answers it: the scenario's instances, tagged with the cluster. */
  instances: SimulatedInstances;
  /** EKS DescribeCluster + token, answered with the simulated API server. */
  clusterAccess: ClusterAccess;
  stop(): Promise<void>;
}

/**
 * Starts a simulated deployment: the scenario's cluster (a real HTTPS API server), an Auto Scaling group
 * with a terminate hook whose NotificationMetadata names the cluster, EC2 lookups and EKS access leading
 * to it. `simulate` and every handler-level test harness start from here, whatever shell they drive.
 */
export async function startSimulatedDeployment(
  options: SimulatedDeploymentOptions,
): Promise<SimulatedDeployment> {
  const { clock, clusterName } = options;
  const sim = await startSimCluster(options.scenario, { ...options.sim, clock });
  const asg = new SimulatedAutoScalingGroup({
    name: "prod-workers",
    hookName: "drain-before-terminate",
    notificationMetadata: JSON.stringify({ clusterName }),
    clock,
    ...options.asg,
  });
  return {
    clusterName,
    clock,
    sim,
    asg,
    instances: new SimulatedInstances(sim, { "eks:cluster-name": clusterName }),
    clusterAccess: options.clusterAccess?.(sim) ?? simulatedClusterAccess(sim),
    stop: () => sim.stop(),
  };
}

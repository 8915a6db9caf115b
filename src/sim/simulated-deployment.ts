import type { ClusterAccess } from "../aws/cluster-access.js";
import type { Clock } from "../time/clock.js";
import {
  SimulatedAutoScalingGroup,
  type SimulatedAutoScalingGroupOptions,
  simulatedClusterAccess,
} from "./auto-scaling-group.js";
import { Elbv2Endpoint } from "./elbv2-endpoint.js";
import type { Scenario } from "./scenario-schema.js";
import { type SimCluster, type SimClusterOptions, startSimCluster } from "./sim-cluster.js";
import { SimulatedInstances } from "./simulated-instances.js";
import { SqsEndpoint } from "./sqs-endpoint.js";
import type { SimulatedQueue } from "./sqs-queue.js";

export interface SimulatedDeploymentOptions {
  scenario: Scenario;
  /** The cluster's name: in the hook's NotificationMetadata and the instances' `eks:cluster-name` tag. */
  clusterName: string;
  /** One clock for the cluster, the group and the drainer. */
  clock: Clock;
  /** Options of the simulated cluster besides its clock. */
  sim?: Omit<SimClusterOptions, "clock">;
  /** The Auto Scaling group and its terminate hook (name, hook name, heartbeat timeout...). */
  asg?: SimulatedAutoScalingGroupOptions;
  /** Replaces the stand-in that points every cluster name at the simulated cluster. */
  clusterAccess?: (sim: SimCluster) => ClusterAccess;
  /** The notices queue and its dead-letter queue, on a local SQS-compatible endpoint. */
  queue?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number };
}

/** The notices queue as the CDK construct creates it: a queue with a redrive policy to a dead-letter queue. */
export interface SimulatedNoticeQueue {
  endpoint: SqsEndpoint;
  notices: SimulatedQueue;
  deadLetters: SimulatedQueue;
}

/** What a drainer deployment faces, simulated: the cluster, the Auto Scaling group, EC2 and EKS access. */
export interface SimulatedDeployment {
  clusterName: string;
  clock: Clock;
  sim: SimCluster;
  asg: SimulatedAutoScalingGroup;
  /** EC2 as the simulation answers it: the scenario's instances, tagged with the cluster. */
  instances: SimulatedInstances;
  /** EKS DescribeCluster + token, answered with the simulated API server. */
  clusterAccess: ClusterAccess;
  /** Present when asked for. */
  queue?: SimulatedNoticeQueue;
  /** A local ELBv2 endpoint over the scenario's target groups; present when the scenario has any. */
  elbv2?: Elbv2Endpoint;
  stop(): Promise<void>;
}

/**
 * Starts a simulated deployment: the scenario's cluster (a real HTTPS API server), an Auto Scaling group
 * with a terminate hook whose NotificationMetadata names the cluster, EC2 lookups and EKS access leading
 * to it, and on request the notices queue (with its dead-letter queue) on a local SQS-compatible endpoint.
 * `simulate` and every handler-level test harness start from here, whatever shell they drive.
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
    targetGroups: sim.targetGroups,
    ...options.asg,
  });
  const queue = options.queue === undefined ? undefined : await startNoticeQueue(clock, options.queue);
  const elbv2 = sim.targetGroups.all().length === 0 ? undefined : new Elbv2Endpoint(sim.targetGroups);
  await elbv2?.start();
  return {
    clusterName,
    clock,
    sim,
    asg,
    instances: new SimulatedInstances(sim, {
      "eks:cluster-name": clusterName,
      "aws:autoscaling:groupName": asg.name,
    }),
    clusterAccess: options.clusterAccess?.(sim) ?? simulatedClusterAccess(sim),
    ...(queue === undefined ? {} : { queue }),
    ...(elbv2 === undefined ? {} : { elbv2 }),
    stop: async () => {
      await queue?.endpoint.stop();
      await elbv2?.stop();
      await sim.stop();
    },
  };
}

async function startNoticeQueue(
  clock: Clock,
  settings: NonNullable<SimulatedDeploymentOptions["queue"]>,
): Promise<SimulatedNoticeQueue> {
  const endpoint = new SqsEndpoint({ clock });
  await endpoint.start();
  const deadLetters = endpoint.createQueue("eks-node-drainer-notices-dlq");
  const notices = endpoint.createQueue("eks-node-drainer-notices", {
    visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds ?? 30,
    redrive: { deadLetter: deadLetters, maxReceiveCount: settings.maxReceiveCount ?? 5 },
  });
  return { endpoint, notices, deadLetters };
}

import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { LoadBalancing } from "../aws/load-balancing.js";
import { Elbv2TargetGroups } from "../aws/load-balancing-clients.js";
import type { SimulatedDeployment } from "../sim/simulated-deployment.js";

/**
 * Load balancing as a simulation answers it: the simulated group's traffic sources (in memory, as its
 * lifecycle actions are), and the real ELBv2 client against the deployment's local ELBv2 endpoint. None
 * when the scenario has no target groups.
 */
export function simulatedLoadBalancing(deployment: SimulatedDeployment): LoadBalancing | undefined {
  const endpoint = deployment.elbv2;
  if (endpoint === undefined) return undefined;
  const client = new ElasticLoadBalancingV2Client({
    region: "us-west-2",
    endpoint: endpoint.url,
    credentials: { accessKeyId: "SIMULATION", secretAccessKey: "SIMULATION" },
    maxAttempts: 1,
  });
  return { trafficSources: deployment.asg, targets: new Elbv2TargetGroups(client) };
}

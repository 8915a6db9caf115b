import { parseScenario, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import type { Clock } from "../../../src/time/clock.js";

export const nodeA = "ip-10-0-1-10.us-west-2.compute.internal";
export const nodeB = "ip-10-0-1-11.us-west-2.compute.internal";
export const nodeC = "ip-10-0-2-20.us-west-2.compute.internal";
export const instanceA = "i-0c1100000000000a1";
export const instanceB = "i-0c1100000000000b2";

const nodes = `
nodes:
  - { name: ${nodeA}, instanceId: ${instanceA}, availabilityZone: us-west-2a }
  - { name: ${nodeB}, instanceId: ${instanceB}, availabilityZone: us-west-2a }
  - { name: ${nodeC}, instanceId: i-0c1100000000000c3, availabilityZone: us-west-2b }
`;

/**
 * Two drainable nodes, A and B, each with two web pods under a budget that lets one go at a time
 * (so refusals happen), a bare-bones api pod, and a DaemonSet pod; node C has room for replacements.
 * Everything starts and stops within a second or two.
 */
export const smallCluster = `
name: cli-small
seed: 3
drainNode: ${nodeA}
controllerDelaySeconds: 0.1
detachSeconds: 0.5
attachSeconds: 0.5
podGcSeconds: 1
${nodes}
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 5
    nodes: [${nodeA}, ${nodeA}, ${nodeB}, ${nodeB}, ${nodeC}]
    labels: { app: web }
    pdb: { maxUnavailable: 1 }
    terminationGracePeriodSeconds: 20
    shutdownSeconds: 0.3
    startupSeconds: 0.5
  - kind: Deployment
    name: api
    namespace: shop
    replicas: 2
    nodes: [${nodeA}, ${nodeB}]
    labels: { app: api }
    shutdownSeconds: 0.3
    startupSeconds: 0.3
  - kind: DaemonSet
    name: agent
    namespace: kube-system
    labels: { app: agent }
`;

/** Node A holds the three pods a plan must call out: one replica under minAvailable 1, a pod under two budgets, an opted-out pod. */
export const blockerCluster = `
name: cli-blockers
seed: 5
drainNode: ${nodeA}
${nodes}
workloads:
  - kind: Deployment
    name: solo
    namespace: shop
    replicas: 1
    node: ${nodeA}
    labels: { app: solo }
    pdb: { minAvailable: 1 }
    terminationGracePeriodSeconds: 1
    shutdownSeconds: 0.2
    startupSeconds: 0.3
  - kind: Deployment
    name: dual
    namespace: shop
    replicas: 2
    nodes: [${nodeA}, ${nodeC}]
    labels: { app: dual, team: pay }
    pdb: { maxUnavailable: 1 }
  - kind: Deployment
    name: batch
    namespace: jobs
    replicas: 1
    node: ${nodeA}
    labels: { app: batch }
    annotations: { "eks-node-drainer/opt-out": "true" }
  - kind: DaemonSet
    name: agent
    namespace: kube-system
    labels: { app: agent }
budgets:
  - name: pay-team
    namespace: shop
    labels: { team: pay }
    maxUnavailable: 1
`;

/** One replica under minAvailable 1 on node A: a drain can only end at its deadline. */
export const stuckCluster = `
name: cli-stuck
seed: 9
drainNode: ${nodeA}
${nodes}
workloads:
  - kind: Deployment
    name: solo
    namespace: shop
    replicas: 1
    node: ${nodeA}
    labels: { app: solo }
    pdb: { minAvailable: 1 }
    terminationGracePeriodSeconds: 1
    shutdownSeconds: 0.2
    startupSeconds: 0.3
`;

export async function startScenario(yaml: string, options: { clock?: Clock } = {}): Promise<SimCluster> {
  return startSimCluster(parseScenario(yaml, "cli test scenario"), options);
}

/** Pods still on a node that a drain must remove (not DaemonSet pods). */
export function drainablePodsOn(sim: SimCluster, nodeName: string): string[] {
  return sim.view
    .pods({ nodeName })
    .filter((pod) => pod.metadata.ownerReferences?.[0]?.kind !== "DaemonSet")
    .map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
}

/** Requests that changed something (anything but get, list and watch). */
export function writeRequests(sim: SimCluster): number {
  return sim.recorder.requests().filter((request) => !["get", "list", "watch"].includes(request.verb)).length;
}

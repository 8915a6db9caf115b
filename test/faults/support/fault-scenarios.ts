/**
 * Small clusters for the fault suite: every kind of pod a drain meets, short shutdowns and startups, so
 * that one drain takes a second or two and many fit in the suite's time.
 */

export const drainedNode = "ip-10-0-1-10.us-west-2.compute.internal";
export const drainedInstance = "i-0f0a0b0c0d0e00001";
export const secondNode = "ip-10-0-1-12.us-west-2.compute.internal";
export const secondInstance = "i-0f0a0b0c0d0e00003";

export interface ScenarioOptions {
  seed: number;
  /** YAML lines under `faults:` (already indented by two spaces), or none. */
  faults?: string;
  /** Put a second drained-node-sized workload set on `secondNode` too. */
  twoTargets?: boolean;
  /** More workloads (YAML list items, indented by two spaces). */
  extraWorkloads?: string;
}

function workloadsOn(node: string, prefix: string): string {
  return `
  - kind: Deployment
    name: ${prefix}web
    namespace: shop
    replicas: 4
    node: ${node}
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.2
    startupSeconds: 0.3
  - kind: Deployment
    name: ${prefix}api
    namespace: shop
    replicas: 4
    nodes: [${node}, ${node}, ${node}, ip-10-0-2-20.us-west-2.compute.internal]
    pdb: { minAvailable: 3 }
    shutdownSeconds: 0.1
    startupSeconds: 0.2
  - kind: StatefulSet
    name: ${prefix}db
    namespace: data
    replicas: 2
    nodes: [${node}, ip-10-0-2-20.us-west-2.compute.internal]
    pdb: { maxUnavailable: 1 }
    volumes: { claimName: data, sizeGi: 5 }
    shutdownSeconds: 0.2
    startupSeconds: 0.2
  - kind: Deployment
    name: ${prefix}worker
    namespace: jobs
    replicas: 3
    node: ${node}
    emptyDir: true
    shutdownSeconds: 0.3
    startupSeconds: 0.1
  - kind: Deployment
    name: ${prefix}dns
    namespace: kube-system
    replicas: 2
    nodes: [${node}, ip-10-0-2-20.us-west-2.compute.internal]
    priorityClassName: system-cluster-critical
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.1
    startupSeconds: 0.2
  - kind: Pod
    name: ${prefix}debug
    namespace: default
    node: ${node}
    shutdownSeconds: 0.1`;
}

/**
 * A drained node with 13 pods to evict (three budgets of one disruption at a time, a StatefulSet member
 * with a volume, emptyDir pods, a bare pod, a critical pod) plus a DaemonSet pod, and two spare nodes.
 */
export function faultScenario(options: ScenarioOptions): string {
  return `
name: faults-${options.seed}
seed: ${options.seed}
drainNode: ${drainedNode}
controllerDelaySeconds: 0.05
detachSeconds: 0.2
attachSeconds: 0.1
podGcSeconds: 1
nodes:
  - { name: ${drainedNode}, instanceId: ${drainedInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0f0a0b0c0d0e00002, availabilityZone: us-west-2a }
  - { name: ${secondNode}, instanceId: ${secondInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-2-20.us-west-2.compute.internal, instanceId: i-0f0a0b0c0d0e00004, availabilityZone: us-west-2b }
  - { name: ip-10-0-2-21.us-west-2.compute.internal, instanceId: i-0f0a0b0c0d0e00005, availabilityZone: us-west-2b }
workloads:${workloadsOn(drainedNode, "")}${options.twoTargets ? workloadsOn(secondNode, "b-") : ""}${options.extraWorkloads ?? ""}
  - kind: DaemonSet
    name: agent
    namespace: kube-system
faults:
${options.faults ?? "  {}"}
`;
}

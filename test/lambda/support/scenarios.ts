/** Scenario YAML shared by the handler's end-to-end tests. */

export const drainedNode = "ip-10-0-1-10.us-west-2.compute.internal";
export const drainedInstance = "i-0a1b2c3d4e5f60001";
export const spareInstance = "i-0a1b2c3d4e5f60002";
export const unjoinedInstance = "i-0a1b2c3d4e5f60009";

/**
 * Four web pods on the drained node under a budget that lets one go at a time, each replacement taking a
 * second to turn Ready elsewhere: a drain of several seconds, whatever the machine's speed.
 */
export const slowDrainScenario = `
controllerDelaySeconds: 0.1
podGcSeconds: 1
nodes:
  - { name: ${drainedNode}, instanceId: ${drainedInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: ${spareInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-19.us-west-2.compute.internal, instanceId: ${unjoinedInstance}, availabilityZone: us-west-2a, joined: false }
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 4
    node: ${drainedNode}
    pdb: { maxUnavailable: 1 }
    terminationGracePeriodSeconds: 10
    shutdownSeconds: 0.5
    startupSeconds: 1
  - kind: DaemonSet
    name: kube-proxy
    namespace: kube-system
`;

/** Two quick pods: a drain of about a second. */
export const quickDrainScenario = `
controllerDelaySeconds: 0.05
podGcSeconds: 1
nodes:
  - { name: ${drainedNode}, instanceId: ${drainedInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: ${spareInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-19.us-west-2.compute.internal, instanceId: ${unjoinedInstance}, availabilityZone: us-west-2a, joined: false }
workloads:
  - kind: Deployment
    name: api
    namespace: shop
    replicas: 2
    node: ${drainedNode}
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.1
    startupSeconds: 0.2
`;

import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { SimCluster } from "../sim/index.js";

/**
 * EC2 as the simulation answers it: the scenario's instances, running, tagged with the cluster's name
 * (`eks:cluster-name`, as managed node groups are). Unknown instances are undefined, as EC2's NotFound.
 */
export class SimulatedInstances implements InstanceDirectory {
  constructor(
    private readonly sim: SimCluster,
    private readonly clusterName: string,
  ) {}

  async describe(instanceId: string): Promise<InstanceFacts | undefined> {
    const instance = this.sim.view.instances().find((candidate) => candidate.instanceId === instanceId);
    if (instance === undefined) return undefined;
    return {
      instanceId,
      privateDnsName: instance.privateDnsName,
      availabilityZone: instance.availabilityZone,
      state: "running",
      tags: { "eks:cluster-name": this.clusterName },
    };
  }
}

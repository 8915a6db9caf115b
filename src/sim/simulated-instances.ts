import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { SimCluster } from "./index.js";

/**
 * EC2 as a simulation answers it: the scenario's instances (joined or not), tagged with their cluster, plus
 * extra instances a test adds. Unknown instances are undefined, as DescribeInstances' NotFound is.
 */
export class SimulatedInstances implements InstanceDirectory {
  readonly lookups: string[] = [];
  private readonly extra = new Map<string, InstanceFacts>();

  constructor(
    private readonly sim: SimCluster,
    private readonly tags: Record<string, string>,
  ) {}

  add(facts: InstanceFacts): void {
    this.extra.set(facts.instanceId, facts);
  }

  async describe(instanceId: string): Promise<InstanceFacts | undefined> {
    this.lookups.push(instanceId);
    const extra = this.extra.get(instanceId);
    if (extra !== undefined) return extra;
    const instance = this.sim.view.instances().find((candidate) => candidate.instanceId === instanceId);
    if (instance === undefined) return undefined;
    return {
      instanceId,
      privateDnsName: instance.privateDnsName,
      availabilityZone: instance.availabilityZone,
      state: "running",
      tags: { ...this.tags },
    };
  }
}

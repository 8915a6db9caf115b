import { DescribeInstancesCommand, type EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { AwsCallError, awsErrorCode, wrapAwsError } from "./aws-error.js";

/** What the drainer needs to know of an EC2 instance. */
export interface InstanceFacts {
  instanceId: string;
  /** `ip-10-0-1-23.us-west-2.compute.internal`; empty once the instance is stopping or terminated. */
  privateDnsName: string;
  availabilityZone: string | undefined;
  /** pending | running | shutting-down | terminated | stopping | stopped. */
  state: string | undefined;
  tags: Record<string, string>;
}

/** Looks instances up for the node lookup's fallbacks and for resolving the cluster from tags. */
export interface InstanceDirectory {
  /** The instance, or undefined when EC2 no longer knows it. */
  describe(instanceId: string): Promise<InstanceFacts | undefined>;
}

/** Instance tags that name the cluster, most specific first. */
const clusterNameTags = ["eks:cluster-name", "eks:eks-cluster-name", "alpha.eksctl.io/cluster-name"];
const clusterOwnershipPrefix = "kubernetes.io/cluster/";

/**
 * The cluster an instance belongs to, read from its tags: `eks:cluster-name` (managed node groups),
 * `eks:eks-cluster-name` (Karpenter), `alpha.eksctl.io/cluster-name` (eksctl), then a single
 * `kubernetes.io/cluster/<name>` tag. Undefined when none names one, or when ownership tags disagree.
 */
export function clusterNameFromTags(tags: Record<string, string>): string | undefined {
  for (const key of clusterNameTags) {
    const value = tags[key]?.trim();
    if (value) return value;
  }
  const owned = Object.keys(tags)
    .filter((key) => key.startsWith(clusterOwnershipPrefix) && key.length > clusterOwnershipPrefix.length)
    .map((key) => key.slice(clusterOwnershipPrefix.length));
  return owned.length === 1 ? owned[0] : undefined;
}

/** Instance lookups over EC2 DescribeInstances. */
export class Ec2InstanceDirectory implements InstanceDirectory {
  constructor(private readonly client: EC2Client) {}

  async describe(instanceId: string): Promise<InstanceFacts | undefined> {
    const context = `describing EC2 instance ${instanceId}`;
    let instance: Instance | undefined;
    try {
      const answer = await this.client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      instance = answer.Reservations?.flatMap((reservation) => reservation.Instances ?? []).find(
        (candidate) => candidate.InstanceId === instanceId,
      );
    } catch (cause) {
      const code = awsErrorCode(cause);
      if (code === "InvalidInstanceID.NotFound") return undefined;
      if (code === "InvalidInstanceID.Malformed") {
        throw new AwsCallError(`${context}: not an instance ID`, { retryable: false, code }, { cause });
      }
      throw wrapAwsError(context, cause);
    }
    if (instance === undefined) return undefined;
    return factsOf(instanceId, instance);
  }
}

function factsOf(instanceId: string, instance: Instance): InstanceFacts {
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) {
    if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
  }
  return {
    instanceId,
    privateDnsName: instance.PrivateDnsName ?? "",
    availabilityZone: instance.Placement?.AvailabilityZone,
    state: instance.State?.Name,
    tags,
  };
}

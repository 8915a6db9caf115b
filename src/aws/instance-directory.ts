import * as z from "zod";
import { AwsCallError } from "./aws-error.js";
import { Ec2QueryClient, type Ec2QueryOptions } from "./ec2-query.js";

/** What the drainer needs to know of an EC2 instance. */
export interface InstanceFacts {
  instanceId: string;
  /** `ip-10-0-1-23.us-west-2.compute.internal`; empty once the instance is stopping or terminated. */
  privateDnsName: string;
  availabilityZone: string | undefined;
  /** pending | running | shutting-down | terminated | stopping | stopped. */
  state: string | undefined;
  tags: Record<string, string>;
  /** LaunchTime (ms since the epoch), when EC2 gives it. */
  launchedAt?: number;
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

/**
 * An EC2 Query API list as the XML parser gives it: `<set/>` is "", one `<item>` an object, several an
 * array.
 */
function itemList<T extends z.ZodType>(item: T) {
  return z.preprocess((list: unknown) => {
    if (list === undefined || list === "") return [];
    if (list !== null && typeof list === "object" && "item" in list) {
      return Array.isArray(list.item) ? list.item : [list.item];
    }
    return list;
  }, z.array(item));
}

/** A nested element that may be empty (`<placement/>`). */
function element<T extends z.ZodType>(shape: T) {
  return z.union([z.literal(""), shape]).optional();
}

const instanceSchema = z.object({
  instanceId: z.string().min(1),
  privateDnsName: z.string().optional(),
  placement: element(z.object({ availabilityZone: z.string().optional() })),
  instanceState: element(z.object({ name: z.string().optional() })),
  launchTime: z.string().optional(),
  tagSet: itemList(z.object({ key: z.string(), value: z.string().optional() })),
});

/** The parts of `<DescribeInstancesResponse>` the drainer reads. */
const describeInstancesSchema = z.object({
  reservationSet: itemList(z.object({ instancesSet: itemList(instanceSchema) })),
});

type InstanceItem = z.output<typeof instanceSchema>;

/** Instance lookups over EC2 DescribeInstances (the Query API, signed in process). */
export class Ec2InstanceDirectory implements InstanceDirectory {
  private readonly ec2: Ec2QueryClient;

  constructor(options: Ec2QueryOptions) {
    this.ec2 = new Ec2QueryClient(options);
  }

  async describe(instanceId: string): Promise<InstanceFacts | undefined> {
    const context = `describing EC2 instance ${instanceId}`;
    let answer: Record<string, unknown>;
    try {
      answer = await this.ec2.call("DescribeInstances", { "InstanceId.1": instanceId }, context);
    } catch (error) {
      if (error instanceof AwsCallError && error.code === "InvalidInstanceID.NotFound") return undefined;
      throw error;
    }
    const parsed = describeInstancesSchema.safeParse(answer);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
      throw new AwsCallError(`${context}: unexpected DescribeInstances answer: ${problems.join("; ")}`, {
        retryable: false,
      });
    }
    const instance = parsed.data.reservationSet
      .flatMap((reservation) => reservation.instancesSet)
      .find((candidate) => candidate.instanceId === instanceId);
    return instance === undefined ? undefined : factsOf(instance);
  }
}

function factsOf(instance: InstanceItem): InstanceFacts {
  // fromEntries defines own properties, so even a tag named __proto__ stays a tag.
  const tags: Record<string, string> = Object.fromEntries(
    instance.tagSet.map((tag) => [tag.key, tag.value ?? ""]),
  );
  return {
    instanceId: instance.instanceId,
    privateDnsName: instance.privateDnsName ?? "",
    availabilityZone: instance.placement === "" ? undefined : instance.placement?.availabilityZone,
    state: instance.instanceState === "" ? undefined : instance.instanceState?.name,
    tags,
    ...launchedAtOf(instance.launchTime),
  };
}

function launchedAtOf(launchTime: string | undefined): { launchedAt?: number } {
  const at = launchTime === undefined ? Number.NaN : Date.parse(launchTime);
  return Number.isFinite(at) ? { launchedAt: at } : {};
}

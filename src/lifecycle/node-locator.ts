import type { V1Node } from "@kubernetes/client-node";
import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";
import type { KubeClient } from "../kube/kube-client.js";
import { findNodeForInstance } from "../kube/node-lookup.js";

export interface LocatedNode {
  node: V1Node;
  name: string;
  /** How it was found. */
  by: "provider-id" | "private-dns-name";
}

/**
 * The Node of an instance: by spec.providerID first (no EC2 call), then by the instance's PrivateDnsName
 * (node name or hostname label, full or short) as EC2 describes it. Undefined when the instance never
 * joined the cluster, its Node is gone, or EC2 no longer knows it. ClusterError and AwsCallError propagate.
 */
export async function locateNode(
  client: KubeClient,
  instances: InstanceDirectory,
  instanceId: string,
  known?: InstanceFacts,
): Promise<LocatedNode | undefined> {
  const byProvider = await findNodeForInstance(client, { instanceId });
  if (byProvider !== undefined) return located(byProvider, "provider-id");
  const instance = known ?? (await instances.describe(instanceId));
  if (instance === undefined || instance.privateDnsName.trim() === "") return undefined;
  const byName = await findNodeForInstance(client, { instanceId, privateDnsName: instance.privateDnsName });
  return byName === undefined ? undefined : located(byName, "private-dns-name");
}

function located(node: V1Node, by: LocatedNode["by"]): LocatedNode | undefined {
  const name = node.metadata?.name;
  return name === undefined || name === "" ? undefined : { node, name, by };
}

import { ApiException, type V1Node } from "@kubernetes/client-node";
import { toClusterError } from "./api-errors.js";
import type { KubeClient } from "./kube-client.js";

export interface InstanceIdentity {
  instanceId: string;
  /** EC2 PrivateDnsName, e.g. ip-10-0-1-5.us-west-2.compute.internal; may be empty once stopping. */
  privateDnsName?: string;
}

const HOSTNAME_LABEL = "kubernetes.io/hostname";
const PAGE_SIZE = 500;

/** The instance ID in an AWS providerID (aws:///us-west-2a/i-0123...), or undefined. */
export function instanceIdOf(providerId: string | undefined): string | undefined {
  const match = /^aws:\/\/\/?[^/]*\/(i-[0-9a-z]+)$/.exec(providerId ?? "");
  return match?.[1];
}

/** The names a node of this instance may carry: the private DNS name, full and short. */
export function candidateNames(privateDnsName: string | undefined): string[] {
  const full = privateDnsName?.trim().toLowerCase() ?? "";
  if (full === "") return [];
  const short = full.split(".")[0] ?? full;
  return short === full ? [full] : [full, short];
}

/**
 * Pure: which of these nodes runs the instance. spec.providerID decides first; then the node name or
 * its kubernetes.io/hostname label equal to the private DNS name (full or short form), unless that
 * node's providerID names another instance.
 */
export function matchNode(nodes: readonly V1Node[], instance: InstanceIdentity): V1Node | undefined {
  const byProvider = nodes.find((node) => instanceIdOf(node.spec?.providerID) === instance.instanceId);
  if (byProvider !== undefined) return byProvider;
  const names = candidateNames(instance.privateDnsName);
  if (names.length === 0) return undefined;
  return nodes.find((node) => {
    const owner = instanceIdOf(node.spec?.providerID);
    if (owner !== undefined && owner !== instance.instanceId) return false;
    const name = node.metadata?.name?.toLowerCase();
    const hostname = node.metadata?.labels?.[HOSTNAME_LABEL]?.toLowerCase();
    return names.some((candidate) => candidate === name || candidate === hostname);
  });
}

/**
 * Finds the Node of an EC2 instance, or undefined when the instance never joined (or its Node is gone).
 * Tries a cheap GET by private DNS name first (the usual EKS node name), then lists the nodes.
 */
export async function findNodeForInstance(
  client: KubeClient,
  instance: InstanceIdentity,
): Promise<V1Node | undefined> {
  const [fullName] = candidateNames(instance.privateDnsName);
  if (fullName !== undefined) {
    const direct = await readNodeIfAny(client, fullName);
    if (direct !== undefined && instanceIdOf(direct.spec?.providerID) === instance.instanceId) return direct;
  }
  const nodes = await listAllNodes(client, `to find instance ${instance.instanceId}`);
  return matchNode(nodes, instance);
}

/** Every Node of the cluster, page by page; `purpose` completes the error message ("listing nodes …"). */
export async function listAllNodes(client: KubeClient, purpose: string): Promise<V1Node[]> {
  const nodes: V1Node[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await client.core.listNode({
        limit: PAGE_SIZE,
        ...(token === undefined ? {} : { _continue: token }),
      });
      nodes.push(...page.items);
      token = page.metadata?._continue || undefined;
    } catch (error) {
      throw toClusterError(`listing nodes ${purpose}`, error);
    }
  } while (token !== undefined);
  return nodes;
}

async function readNodeIfAny(client: KubeClient, name: string): Promise<V1Node | undefined> {
  try {
    return await client.core.readNode({ name });
  } catch (error) {
    if (error instanceof ApiException && Number(error.code) === 404) return undefined;
    throw toClusterError(`reading node ${name}`, error);
  }
}

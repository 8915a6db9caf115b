import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, type ClusterPort } from "../drain/cluster-port.js";
import type { KubeClient } from "../kube/kube-client.js";
import { findNodeForInstance, instanceIdOf } from "../kube/node-lookup.js";
import { CliError } from "./cli-error.js";

/** The node a command works on, found by name or by the EC2 instance behind it. */
export interface NodeTarget {
  nodeName: string;
  node: V1Node;
  /** From the argument, or from the node's spec.providerID (aws:///zone/i-…). */
  instanceId?: string;
  /** How the argument was matched. */
  by: "name" | "provider-id";
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export function isInstanceId(text: string): boolean {
  return INSTANCE_ID.test(text);
}

/**
 * Finds the node named by the argument: an `i-…` instance ID through spec.providerID (no AWS call),
 * anything else by node name. A node that does not exist is a CliError; so is an unreachable cluster.
 */
export async function resolveNodeTarget(
  client: KubeClient,
  cluster: ClusterPort,
  argument: string,
): Promise<NodeTarget> {
  const server = client.server;
  if (isInstanceId(argument)) {
    const node = await findNodeForInstance(client, { instanceId: argument }).catch((cause: unknown) => {
      throw clusterProblem(cause, server);
    });
    const nodeName = node?.metadata?.name;
    if (node === undefined || nodeName === undefined) {
      throw new CliError(`no node of instance ${argument} in the cluster (no spec.providerID names it)`);
    }
    return { nodeName, node, instanceId: argument, by: "provider-id" };
  }
  const node = await cluster.getNode(argument).catch((cause: unknown) => {
    throw clusterProblem(cause, server);
  });
  if (node === undefined) throw new CliError(`node ${argument} not found`);
  const instanceId = instanceIdOf(node.spec?.providerID);
  return { nodeName: argument, node, ...(instanceId === undefined ? {} : { instanceId }), by: "name" };
}

/** A failed request to the API server, in one line that says whether trying again may help. */
export function clusterProblem(cause: unknown, server: string): CliError {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof ClusterError) {
    if (cause.kind === "unauthorized") {
      return new CliError(`the API server ${server} rejected the credentials (HTTP 401)`, {
        cause,
        selfContained: true,
      });
    }
    // client-node's exception text ends with the response headers: not worth a line on a terminal.
    const trimmed = message.replace(/;?\s*Headers: \{.*$/s, "").replace(/;?\s*Body: undefined/, "");
    const unreachable = cause.kind === "network" || cause.kind === "timeout";
    return new CliError(`${unreachable ? `cannot reach the API server ${server}: ` : ""}${trimmed}`, {
      cause,
      retryable: cause.retryable,
      selfContained: true,
    });
  }
  return new CliError(message, { cause });
}

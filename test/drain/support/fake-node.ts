import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, type NodeMergePatch } from "../../../src/drain/cluster-port.js";

export function newNode(name: string, resourceVersion: string, spec: Partial<V1Node["spec"]> = {}): V1Node {
  return {
    metadata: { name, resourceVersion, labels: { "kubernetes.io/hostname": name }, annotations: {} },
    spec: { ...spec },
  };
}

/** Applies a merge patch the way the API server does, refusing a stale resourceVersion with 409. */
export function applyNodePatch(node: V1Node, patch: NodeMergePatch, nextVersion: () => string): void {
  const expected = patch.metadata?.resourceVersion;
  if (expected !== undefined && expected !== node.metadata?.resourceVersion) {
    throw new ClusterError("the object has been modified", { kind: "conflict", status: 409 });
  }
  const metadata = node.metadata ?? {};
  metadata.labels = mergeMap(metadata.labels, patch.metadata?.labels);
  metadata.annotations = mergeMap(metadata.annotations, patch.metadata?.annotations);
  metadata.resourceVersion = nextVersion();
  node.metadata = metadata;
  node.spec = { ...node.spec, ...(patch.spec as V1Node["spec"]) };
}

function mergeMap(
  current: Record<string, string> | undefined,
  patch: Record<string, string | null> | undefined,
): Record<string, string> {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

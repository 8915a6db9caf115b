import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, type ClusterPort, type NodeMergePatch } from "../../../src/drain/cluster-port.js";

/**
 * The two Node calls the lifecycle record needs, in memory, with the API server's optimistic concurrency:
 * a merge patch naming a stale resourceVersion is refused with a conflict.
 */
export class MemoryNodePort implements Pick<ClusterPort, "getNode" | "patchNode"> {
  private readonly nodes = new Map<string, V1Node>();
  private version = 1;
  patches = 0;
  /** Runs before each patch is applied (to simulate a concurrent writer). */
  beforePatch: (() => void) | undefined;

  add(name: string, annotations: Record<string, string> = {}): void {
    this.nodes.set(name, { metadata: { name, annotations, resourceVersion: String(this.version++) } });
  }

  /** Another writer changes the node (e.g. the engine saving its state). */
  touch(name: string, key = "other/annotation"): void {
    const node = this.require(name);
    node.metadata = {
      ...node.metadata,
      annotations: { ...node.metadata?.annotations, [key]: String(this.version) },
      resourceVersion: String(this.version++),
    };
  }

  remove(name: string): void {
    this.nodes.delete(name);
  }

  annotation(name: string, key: string): string | undefined {
    return this.nodes.get(name)?.metadata?.annotations?.[key];
  }

  async getNode(name: string): Promise<V1Node | undefined> {
    const node = this.nodes.get(name);
    return node === undefined ? undefined : structuredClone(node);
  }

  async patchNode(name: string, patch: NodeMergePatch): Promise<V1Node> {
    this.beforePatch?.();
    const node = this.nodes.get(name);
    if (node === undefined)
      throw new ClusterError(`patching node ${name}: 404`, { kind: "not-found", status: 404 });
    const wanted = patch.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== node.metadata?.resourceVersion) {
      throw new ClusterError(`patching node ${name}: 409 Conflict`, { kind: "conflict", status: 409 });
    }
    this.patches += 1;
    const annotations: Record<string, string> = { ...node.metadata?.annotations };
    for (const [key, value] of Object.entries(patch.metadata?.annotations ?? {})) {
      if (value === null) delete annotations[key];
      else annotations[key] = value;
    }
    node.metadata = { ...node.metadata, annotations, resourceVersion: String(this.version++) };
    return structuredClone(node);
  }

  private require(name: string): V1Node {
    const node = this.nodes.get(name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  }
}

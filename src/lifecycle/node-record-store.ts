import type { V1Node } from "@kubernetes/client-node";
import { ClusterError, type ClusterPort } from "../drain/cluster-port.js";
import {
  encodeLifecycleRecord,
  LIFECYCLE_RECORD_ANNOTATION,
  type LifecycleRecord,
  readLifecycleRecord,
} from "./lifecycle-record.js";

/** What a step decides from the record it is shown: a value, and a record to write if anything changes. */
export interface RecordStep<T> {
  value: T;
  write?: LifecycleRecord | undefined;
}

export type RecordUpdate<T> =
  | { kind: "updated"; value: T; written: boolean; node: V1Node }
  /** The Node no longer exists: nothing was written. */
  | { kind: "node-gone" };

/** Conflicts tolerated in a row before giving up (the engine writes its state on the same Node). */
const maxAttempts = 6;

/**
 * Reads and writes the handler's lifecycle record on one Node. Each update reads the Node, lets `step`
 * decide from the record of this action, and writes with the Node's resourceVersion as a precondition:
 * a concurrent writer makes it read and decide again, so two deliveries never both believe they won.
 */
export class NodeRecordStore {
  /** Problems met reading the record (an unreadable annotation is replaced, not trusted). */
  readonly warnings: string[] = [];

  constructor(
    private readonly port: Pick<ClusterPort, "getNode" | "patchNode">,
    readonly nodeName: string,
    private readonly token: string,
  ) {}

  /** The record of this action on `node`, or undefined (absent, another action's, or unreadable). */
  recordOf(node: V1Node): LifecycleRecord | undefined {
    const reading = readLifecycleRecord(node, this.token);
    if (reading.kind === "found") return reading.record;
    if (reading.kind === "unreadable") this.warnings.push(`node ${this.nodeName}: ${reading.problem}`);
    return undefined;
  }

  /** Runs `step` on the current record and writes its result, retrying on conflicts. */
  async update<T>(
    step: (record: LifecycleRecord | undefined) => RecordStep<T>,
    known?: V1Node,
  ): Promise<RecordUpdate<T>> {
    let node = known;
    for (let attempt = 1; ; attempt++) {
      node ??= await this.port.getNode(this.nodeName);
      if (node === undefined) return { kind: "node-gone" };
      const { value, write } = step(this.recordOf(node));
      const text = write === undefined ? undefined : encodeLifecycleRecord(write);
      const unchanged = text === node.metadata?.annotations?.[LIFECYCLE_RECORD_ANNOTATION];
      if (text === undefined || unchanged) return { kind: "updated", value, written: false, node };
      const resourceVersion = node.metadata?.resourceVersion;
      try {
        const written = await this.port.patchNode(this.nodeName, {
          metadata: {
            ...(resourceVersion ? { resourceVersion } : {}),
            annotations: { [LIFECYCLE_RECORD_ANNOTATION]: text },
          },
        });
        return { kind: "updated", value, written: true, node: written };
      } catch (error) {
        if (error instanceof ClusterError && error.kind === "not-found") return { kind: "node-gone" };
        const conflict = error instanceof ClusterError && error.kind === "conflict";
        if (!conflict || attempt >= maxAttempts) throw error;
        node = undefined;
      }
    }
  }
}

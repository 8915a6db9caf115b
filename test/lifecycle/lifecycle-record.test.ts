import type { V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  encodeLifecycleRecord,
  LIFECYCLE_RECORD_ANNOTATION,
  type LifecycleRecord,
  readLifecycleRecord,
} from "../../src/lifecycle/lifecycle-record.js";
import { NodeRecordStore } from "../../src/lifecycle/node-record-store.js";
import { MemoryNodePort } from "./support/memory-node-port.js";

const token = "87654321-4321-4321-4321-210987654321";
const at = Date.parse("2026-11-24T10:00:00Z");

function nodeWith(text: string | undefined): V1Node {
  const annotations: Record<string, string> = {};
  if (text !== undefined) annotations[LIFECYCLE_RECORD_ANNOTATION] = text;
  return { metadata: { name: "n1", annotations } };
}

describe("the lifecycle record annotation", () => {
  it("reads back what it writes", () => {
    const record: LifecycleRecord = {
      token,
      lease: { owner: "req-1/msg-1", attempt: 2, until: at + 900_000 },
      lastHeartbeatAt: at + 60_000,
      handedOff: { attempt: 2, at: at + 30_000 },
      completion: { result: "CONTINUE", at: at + 120_000, by: "req-1/msg-1" },
      podIps: ["10.0.1.23", "2600:1f14::5"],
    };
    expect(readLifecycleRecord(nodeWith(encodeLifecycleRecord(record)), token)).toEqual({
      kind: "found",
      record,
    });
  });

  it("tells an absent record, another action's record and an unreadable one apart", () => {
    expect(readLifecycleRecord(nodeWith(undefined), token)).toEqual({ kind: "absent" });
    const other = encodeLifecycleRecord({ token: "11111111-2222-4333-8444-555555555555" });
    expect(readLifecycleRecord(nodeWith(other), token)).toEqual({
      kind: "other-action",
      token: "11111111-2222-4333-8444-555555555555",
    });
    expect(readLifecycleRecord(nodeWith("{not json"), token)).toMatchObject({
      kind: "unreadable",
      problem: expect.stringContaining("is not JSON"),
    });
    expect(
      readLifecycleRecord(nodeWith('{"version":1,"token":"t","lease":{"owner":"x"}}'), token),
    ).toMatchObject({
      kind: "unreadable",
      problem: expect.stringContaining("lease.attempt"),
    });
  });
});

describe("NodeRecordStore", () => {
  it("writes with the node's resourceVersion and decides again after a concurrent write", async () => {
    const port = new MemoryNodePort();
    port.add("n1");
    const store = new NodeRecordStore(port, "n1", token);
    let decisions = 0;
    let touched = false;
    port.beforePatch = () => {
      if (!touched) port.touch("n1");
      touched = true;
    };

    const update = await store.update((record) => {
      decisions += 1;
      return { value: record, write: { token, lastHeartbeatAt: at } };
    });

    expect(update).toMatchObject({ kind: "updated", written: true });
    expect(decisions).toBe(2);
    expect(port.annotation("n1", "other/annotation")).toBeDefined();
    expect(readLifecycleRecord((await port.getNode("n1")) ?? {}, token)).toEqual({
      kind: "found",
      record: { token, lastHeartbeatAt: at },
    });
  });

  it("gives up after repeated conflicts with a retryable error", async () => {
    const port = new MemoryNodePort();
    port.add("n1");
    port.beforePatch = () => port.touch("n1");
    const store = new NodeRecordStore(port, "n1", token);

    await expect(store.update(() => ({ value: 1, write: { token } }))).rejects.toMatchObject({
      kind: "conflict",
      retryable: true,
    });
  });

  it("does not write a record that did not change, and reports a node that is gone", async () => {
    const port = new MemoryNodePort();
    port.add("n1", { [LIFECYCLE_RECORD_ANNOTATION]: encodeLifecycleRecord({ token, lastHeartbeatAt: at }) });
    const store = new NodeRecordStore(port, "n1", token);

    const same = await store.update((record) => ({ value: 0, write: record }));
    expect(same).toMatchObject({ kind: "updated", written: false });
    expect(port.patches).toBe(0);

    port.remove("n1");
    expect(await store.update(() => ({ value: 0, write: { token } }))).toEqual({ kind: "node-gone" });
  });

  it("replaces an unreadable record and says so", async () => {
    const port = new MemoryNodePort();
    port.add("n1", { [LIFECYCLE_RECORD_ANNOTATION]: "garbage" });
    const store = new NodeRecordStore(port, "n1", token);

    const update = await store.update((record) => ({ value: record, write: { token } }));

    expect(update).toMatchObject({ kind: "updated", value: undefined, written: true });
    expect(store.warnings).toEqual([expect.stringContaining("is not JSON")]);
  });
});

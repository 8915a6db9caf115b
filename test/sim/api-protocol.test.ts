import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  errorBody,
  errorCode,
  nodeA,
  nodeB,
  rejection,
  startCluster,
  threeNodes,
} from "./cluster-fixture.js";

/** Status codes, Status bodies and the three patch flavours, as the real API server answers them. */

const scenario = threeNodes(`
workloads:
  - { kind: Pod, name: solo, namespace: shop, node: ${nodeA} }
  - { kind: Pod, name: duo, namespace: shop, node: ${nodeB}, replicas: 2 }
`);

describe("authentication", () => {
  it("answers 401 with a Status without a token, and with a wrong one", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    for (const token of [null, "not-the-token"]) {
      const response = await subject.request("GET", "/api/v1/nodes", { token });
      expect(response.status).toBe(401);
      expect(response.json()).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      });
    }
  });

  it("accepts further tokens through acceptToken", async () => {
    const subject = await startCluster(scenario, {
      manualClock: true,
      acceptToken: (bearer) => bearer.startsWith("k8s-aws-v1."),
    });
    expect((await subject.request("GET", "/api/v1/nodes", { token: "k8s-aws-v1.abc" })).status).toBe(200);
  });
});

describe("the refuseTokens fault", () => {
  it("answers 401 to the next N requests whose token is good, then serves again", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ refuseTokens: 2 });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await subject.request("GET", "/api/v1/nodes")).status);
    expect(codes).toEqual([401, 401, 200]);
    expect(subject.cluster.faults.current().refuseTokens).toBe(0);
  });

  it("does not count requests refused for their token anyway", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    subject.cluster.faults.update({ refuseTokens: 1 });
    expect((await subject.request("GET", "/api/v1/nodes", { token: "not-the-token" })).status).toBe(401);
    expect((await subject.request("GET", "/api/v1/nodes")).status).toBe(401);
    expect((await subject.request("GET", "/api/v1/nodes")).status).toBe(200);
  });
});

describe("errors", () => {
  it("answers unknown paths with 404, unsupported verbs with 405 and malformed bodies with 400, all as Status", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const unknown = await subject.request("GET", "/apis/example.com/v1/widgets");
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      code: 404,
    });
    const verb = await subject.request("POST", `/api/v1/nodes/${nodeA}`, { body: {} });
    expect(verb.status).toBe(405);
    expect(verb.json()).toMatchObject({ kind: "Status", reason: "MethodNotAllowed", code: 405 });
    const readOnly = await subject.request("DELETE", "/apis/storage.k8s.io/v1/volumeattachments/x");
    expect(readOnly.status).toBe(405);
    const malformed = await subject.request("POST", "/api/v1/namespaces/default/events", {
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toMatchObject({ kind: "Status", reason: "BadRequest", code: 400 });
    expect((malformed.json() as { message: string }).message).toContain("json parse error");
  });

  it("rejects an unknown field selector and a malformed label selector with 400", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const field = await rejection(subject.core.listPodForAllNamespaces({ fieldSelector: "spec.color=blue" }));
    expect(errorCode(field)).toBe(400);
    expect(errorBody(field).message).toBe("field label not supported: spec.color");
    const label = await rejection(subject.core.listPodForAllNamespaces({ labelSelector: "app in ()" }));
    expect(errorCode(label)).toBe(400);
  });

  it("answers 415 for a patch content type it does not know", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const response = await subject.request("PATCH", `/api/v1/nodes/${nodeA}`, {
      body: "spec: {}",
      contentType: "application/apply-patch+yaml",
    });
    expect(response.status).toBe(415);
    expect(response.json()).toMatchObject({ reason: "UnsupportedMediaType", code: 415 });
  });
});

describe("node patches", () => {
  it("cordons with a JSON patch, client-node's default", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const node = await subject.core.patchNode({
      name: nodeA,
      body: [{ op: "add", path: "/spec/unschedulable", value: true }],
    });
    expect(node.spec?.unschedulable).toBe(true);
    expect(subject.cluster.view.node(nodeA)?.spec.unschedulable).toBe(true);
  });

  it("cordons and labels with a merge patch and removes a label with null", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.core.patchNode(
      { name: nodeA, body: { spec: { unschedulable: true }, metadata: { labels: { drain: "yes" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await subject.core.patchNode(
      { name: nodeA, body: { metadata: { labels: { drain: null } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const node = subject.cluster.view.node(nodeA);
    expect(node?.spec.unschedulable).toBe(true);
    expect(node?.metadata.labels?.drain).toBeUndefined();
    expect(node?.metadata.labels?.["kubernetes.io/hostname"]).toBe(nodeA);
  });

  it("adds a taint and an annotation with a strategic merge patch, keeping the status", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const before = subject.cluster.view.node(nodeB);
    await subject.core.patchNode(
      {
        name: nodeB,
        body: {
          metadata: { annotations: { "drainer/state": '{"phase":"cordoned"}' } },
          spec: { taints: [{ key: "drainer/draining", effect: "NoSchedule" }] },
          status: { conditions: [{ type: "Ready", status: "False" }] },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    const node = subject.cluster.view.node(nodeB);
    expect(node?.spec.taints).toEqual([{ key: "drainer/draining", effect: "NoSchedule" }]);
    expect(node?.metadata.annotations?.["drainer/state"]).toBe('{"phase":"cordoned"}');
    expect(node?.status).toEqual(before?.status);
  });

  it("answers 422 for a JSON patch whose test fails or whose path is missing, and changes nothing", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const version = subject.cluster.view.node(nodeA)?.metadata.resourceVersion;
    const failedTest = await rejection(
      subject.core.patchNode({
        name: nodeA,
        body: [
          { op: "test", path: "/spec/unschedulable", value: true },
          { op: "add", path: "/spec/unschedulable", value: true },
        ],
      }),
    );
    expect(errorCode(failedTest)).toBe(422);
    const missing = await rejection(
      subject.core.patchNode({ name: nodeA, body: [{ op: "remove", path: "/metadata/annotations/absent" }] }),
    );
    expect(errorCode(missing)).toBe(422);
    expect(subject.cluster.view.node(nodeA)?.metadata.resourceVersion).toBe(version);
  });

  it("answers 409 when an update or patch carries a stale resourceVersion", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const node = await subject.core.readNode({ name: nodeA });
    const stale = node.metadata?.resourceVersion ?? "";
    await subject.core.patchNode(
      { name: nodeA, body: { metadata: { labels: { first: "writer" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    const replaced = await rejection(
      subject.core.replaceNode({
        name: nodeA,
        body: { ...node, spec: { ...node.spec, unschedulable: true } },
      }),
    );
    expect(errorCode(replaced)).toBe(409);
    expect(errorBody(replaced)).toMatchObject({ reason: "Conflict" });
    const patched = await rejection(
      subject.core.patchNode(
        { name: nodeA, body: { metadata: { resourceVersion: stale, labels: { second: "writer" } } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(errorCode(patched)).toBe(409);
    expect(subject.cluster.view.node(nodeA)?.metadata.labels?.second).toBeUndefined();
  });

  it("answers 422 naming the field when a patch makes the node invalid", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const error = await rejection(
      subject.core.patchNode(
        { name: nodeA, body: { spec: { unschedulable: "yes" } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(errorCode(error)).toBe(422);
    expect(errorBody(error).message).toContain("spec.unschedulable");
  });

  it("does not bump the resourceVersion for a patch that changes nothing", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const before = subject.cluster.view.node(nodeA)?.metadata.resourceVersion;
    await subject.core.patchNode(
      { name: nodeA, body: { metadata: { labels: { "kubernetes.io/os": "linux" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(subject.cluster.view.node(nodeA)?.metadata.resourceVersion).toBe(before);
  });
});

describe("events", () => {
  it("accepts an event about a Node in namespace default and answers 422 elsewhere", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const event = (namespace: string) => ({
      metadata: { generateName: "drain-", namespace },
      involvedObject: { kind: "Node", name: nodeA, apiVersion: "v1" },
      reason: "Draining",
      message: "draining the node",
      type: "Normal",
    });
    const created = await subject.core.createNamespacedEvent({
      namespace: "default",
      body: event("default"),
    });
    expect(created.metadata?.name).toMatch(/^drain-/);
    const refused = await rejection(
      subject.core.createNamespacedEvent({ namespace: "shop", body: event("shop") }),
    );
    expect(errorCode(refused)).toBe(422);
    expect(errorBody(refused)).toMatchObject({ reason: "Invalid" });
    expect(errorBody(refused).message).toContain("involvedObject.namespace");
    expect(subject.cluster.view.events().filter((stored) => stored.reason === "Draining")).toHaveLength(1);
  });

  it("accepts events.k8s.io/v1 events and requires their reporting fields", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const body = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "drain.1", namespace: "default" },
      regarding: { kind: "Node", name: nodeA, apiVersion: "v1" },
      reason: "Draining",
      note: "draining",
      type: "Normal",
      action: "Drain",
      eventTime: "2026-11-24T10:00:00.000000Z",
      reportingController: "eks-node-drainer",
      reportingInstance: "drainer-1",
    };
    const created = await subject.request("POST", "/apis/events.k8s.io/v1/namespaces/default/events", {
      body,
    });
    expect(created.status).toBe(201);
    const { reportingController: _omitted, ...incomplete } = body;
    const refused = await subject.request("POST", "/apis/events.k8s.io/v1/namespaces/default/events", {
      body: { ...incomplete, metadata: { name: "drain.2", namespace: "default" } },
    });
    expect(refused.status).toBe(422);
  });
});

describe("pods", () => {
  it("deletes with DeleteOptions in the body and ignores the query then", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const response = await subject.request(
      "DELETE",
      "/api/v1/namespaces/shop/pods/solo?gracePeriodSeconds=0",
      {
        body: { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 7 },
      },
    );
    expect(response.status).toBe(200);
    expect(subject.cluster.view.pod("shop", "solo")?.metadata.deletionGracePeriodSeconds).toBe(7);
  });

  it("answers 409 for a delete whose UID precondition does not match", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const error = await rejection(
      subject.core.deleteNamespacedPod({
        name: "solo",
        namespace: "shop",
        body: { preconditions: { uid: "00000000-0000-4000-8000-000000000000" } },
      }),
    );
    expect(errorCode(error)).toBe(409);
    expect(subject.cluster.view.pod("shop", "solo")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("pages a list with limit and continue", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const first = await subject.core.listPodForAllNamespaces({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.metadata?._continue).toBeDefined();
    const rest = await subject.core.listPodForAllNamespaces({
      limit: 100,
      _continue: first.metadata?._continue,
    });
    const all = await subject.core.listPodForAllNamespaces();
    expect([...first.items, ...rest.items].map((pod) => pod.metadata?.name)).toEqual(
      all.items.map((pod) => pod.metadata?.name),
    );
  });
});

import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Watch } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  type ClusterUnderTest,
  eventually,
  nodeA,
  nodeC,
  startCluster,
  threeNodes,
} from "./cluster-fixture.js";

const scenario = threeNodes(`
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 2, node: ${nodeA} }
  - { kind: Pod, name: solo, namespace: shop, node: ${nodeC}, labels: { app: solo, tier: front } }
`);

interface Received {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    metadata?: { name?: string; resourceVersion?: string };
  };
}

/** Opens a watch and collects its events until it ends. */
async function watch(
  subject: ClusterUnderTest,
  path: string,
  query: Record<string, string | number | boolean>,
) {
  const events: Received[] = [];
  let ended: unknown = "open";
  const controller = await new Watch(subject.config).watch(
    path,
    query,
    (type, object) => events.push({ type, object }),
    (error) => {
      ended = error ?? null;
    },
  );
  return { events, ended: () => ended, abort: () => controller.abort() };
}

describe("watch", () => {
  it("resumes from a resourceVersion with exactly the changes made after it", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const list = await subject.core.listNamespacedPod({ namespace: "shop" });
    const from = list.metadata?.resourceVersion ?? "";
    await subject.request("PATCH", "/api/v1/namespaces/shop/pods/solo", {
      body: { metadata: { labels: { tier: "back" } } },
      contentType: "application/merge-patch+json",
    });
    await subject.core.deleteNamespacedPod({ name: "solo", namespace: "shop", gracePeriodSeconds: 0 });
    const stream = await watch(subject, "/api/v1/namespaces/shop/pods", { resourceVersion: from });
    const events = await eventually(() => (stream.events.length >= 2 ? stream.events : undefined));
    stream.abort();
    expect(events.map((event) => [event.type, event.object.metadata?.name])).toEqual([
      ["MODIFIED", "solo"],
      ["DELETED", "solo"],
    ]);
    const versions = events.map((event) => Number(event.object.metadata?.resourceVersion));
    expect(versions[0]).toBeGreaterThan(Number(from));
    expect(versions[1]).toBeGreaterThan(versions[0] ?? 0);
  });

  it("starts with the current objects as ADDED events when no resourceVersion is given", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const stream = await watch(subject, "/api/v1/namespaces/shop/pods", {});
    const events = await eventually(() => (stream.events.length >= 3 ? stream.events : undefined));
    stream.abort();
    expect(events.every((event) => event.type === "ADDED")).toBe(true);
    expect(events.map((event) => event.object.metadata?.name)).toContain("solo");
  });

  it("answers a resourceVersion older than the history with an ERROR event carrying 410 Expired", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const list = await subject.core.listNode();
    await subject.request("PATCH", `/api/v1/nodes/${nodeA}`, {
      body: { spec: { unschedulable: true } },
      contentType: "application/merge-patch+json",
    });
    subject.cluster.compactWatchHistory();
    const stream = await watch(subject, "/api/v1/nodes", {
      resourceVersion: list.metadata?.resourceVersion ?? "",
    });
    await eventually(() => (stream.ended() !== "open" ? true : undefined));
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0]).toMatchObject({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired" },
    });
  });

  it("ends the stream cleanly after timeoutSeconds", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const stream = await watch(subject, "/api/v1/nodes", { timeoutSeconds: 1 });
    const ended = await eventually(() => (stream.ended() !== "open" ? stream.ended() : undefined), 15_000);
    expect(ended).toBeNull();
    expect(stream.events.filter((event) => event.type === "ADDED")).toHaveLength(3);
  });

  it("filters by spec.nodeName and turns a pod that stops matching a label selector into DELETED", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const byNode = await watch(subject, "/api/v1/pods", { fieldSelector: `spec.nodeName=${nodeC}` });
    const byLabel = await watch(subject, "/api/v1/namespaces/shop/pods", { labelSelector: "tier=front" });
    await eventually(() => (byLabel.events.length >= 1 && byNode.events.length >= 1 ? true : undefined));
    await subject.request("PATCH", "/api/v1/namespaces/shop/pods/solo", {
      body: { metadata: { labels: { tier: "back" } } },
      contentType: "application/merge-patch+json",
    });
    await eventually(() => (byLabel.events.length >= 2 && byNode.events.length >= 2 ? true : undefined));
    byNode.abort();
    byLabel.abort();
    expect(byLabel.events.map((event) => event.type)).toEqual(["ADDED", "DELETED"]);
    expect(byNode.events.map((event) => event.object.metadata?.name)).toEqual(["solo", "solo"]);
    expect(byNode.events.map((event) => event.type)).toEqual(["ADDED", "MODIFIED"]);
  });

  it("keeps connections alive and streams watches with chunked transfer encoding", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: 1,
      ca: Buffer.from(subject.cluster.caData, "base64"),
    });
    const get = (path: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const request = httpsRequest(
          `${subject.cluster.server}${path}`,
          { agent, headers: { authorization: `Bearer ${subject.cluster.token}` } },
          (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
              body += chunk;
            });
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
            );
          },
        );
        request.on("error", reject);
        request.end();
      });
    const before = subject.cluster.recorder.connections();
    for (let i = 0; i < 5; i++) expect((await get("/api/v1/nodes")).status).toBe(200);
    const streamed = await get("/api/v1/nodes?watch=true&timeoutSeconds=1");
    agent.destroy();
    expect(subject.cluster.recorder.connections() - before).toBe(1);
    expect(streamed.headers["transfer-encoding"]).toBe("chunked");
    expect(streamed.body.trim().split("\n")).toHaveLength(3);
  });
});

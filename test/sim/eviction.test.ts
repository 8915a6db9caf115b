import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  type ClusterUnderTest,
  errorBody,
  errorCode,
  evictionOf,
  nodeA,
  rejection,
  startCluster,
  threeNodes,
} from "./cluster-fixture.js";

/** The rows of the eviction subresource's decision, each over HTTPS through client-node or raw requests. */

const scenario = threeNodes(`
namespaces:
  - { name: closing, terminating: true }
workloads:
  - { kind: Deployment, name: web, namespace: shop, replicas: 4, node: ${nodeA}, pdb: { minAvailable: 3 } }
  - { kind: Deployment, name: guarded, namespace: shop, replicas: 2, node: ${nodeA}, pdb: { minAvailable: 2 } }
  - { kind: Pod, name: done, namespace: shop, node: ${nodeA}, phase: Succeeded, labels: { app: guarded } }
  - { kind: Pod, name: stuck, namespace: shop, node: ${nodeA}, phase: Pending, labels: { app: guarded } }
  - { kind: Pod, name: lonely, namespace: shop, node: ${nodeA} }
  - { kind: Pod, name: twice, namespace: shop, node: ${nodeA}, labels: { app: twice, tier: front }, pdb: { maxUnavailable: 1 } }
  - { kind: Pod, name: leaving, namespace: closing, node: ${nodeA} }
budgets:
  - { name: front, namespace: shop, labels: { tier: front }, maxUnavailable: 1 }
`);

/** The Deployment's pods (bare pods may share their labels). */
async function podsOf(subject: ClusterUnderTest, app: string): Promise<V1Pod[]> {
  const list = await subject.core.listNamespacedPod({ namespace: "shop", labelSelector: `app=${app}` });
  return list.items.filter((pod) => pod.metadata?.ownerReferences?.[0]?.kind === "ReplicaSet");
}

async function evict(subject: ClusterUnderTest, namespace: string, name: string, uid?: string) {
  return subject.core.createNamespacedPodEviction({
    name,
    namespace,
    body: evictionOf(namespace, name, uid),
  });
}

describe("eviction subresource", () => {
  it("refuses an Eviction whose name differs from the URL with 400", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const response = await subject.request("POST", "/api/v1/namespaces/shop/pods/lonely/eviction", {
      body: evictionOf("shop", "someone-else"),
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "BadRequest",
      message: "name in URL does not match name in Eviction object",
      code: 400,
    });
    expect(subject.cluster.view.pod("shop", "lonely")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("answers 404 NotFound for a pod that does not exist", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const error = await rejection(evict(subject, "shop", "ghost"));
    expect(errorCode(error)).toBe(404);
    expect(errorBody(error)).toMatchObject({ reason: "NotFound", message: 'pods "ghost" not found' });
  });

  it("answers 409 Conflict when the UID precondition names another pod, and leaves the pod alone", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const error = await rejection(evict(subject, "shop", "lonely", "00000000-0000-4000-8000-000000000000"));
    expect(errorCode(error)).toBe(409);
    expect(errorBody(error)).toMatchObject({ reason: "Conflict" });
    expect(errorBody(error).message).toContain("does not match the UID in record");
    expect(subject.cluster.view.pod("shop", "lonely")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("deletes a finished pod at once without consulting its budget", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    expect(subject.cluster.view.budget("shop", "guarded")?.status?.disruptionsAllowed).toBe(0);
    await evict(subject, "shop", "done");
    expect(subject.cluster.view.pod("shop", "done")).toBeUndefined();
    expect(subject.cluster.view.budget("shop", "guarded")?.status?.disruptedPods).toBeUndefined();
  });

  it("deletes a Pending pod without consulting its budget", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await evict(subject, "shop", "stuck");
    expect(subject.cluster.view.pod("shop", "stuck")?.metadata.deletionTimestamp).toBeDefined();
    expect(subject.cluster.view.budget("shop", "guarded")?.status?.disruptionsAllowed).toBe(0);
  });

  it("deletes an already terminating pod again without consulting its budget", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [first] = await podsOf(subject, "guarded");
    const name = first?.metadata?.name ?? "";
    await subject.core.deleteNamespacedPod({ name, namespace: "shop" });
    const response = await subject.request("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, {
      body: { ...evictionOf("shop", name), deleteOptions: { gracePeriodSeconds: 5 } },
    });
    expect(response.status).toBe(201);
    expect(subject.cluster.view.pod("shop", name)?.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(subject.cluster.view.budget("shop", "guarded")?.status?.disruptedPods).toBeUndefined();
  });

  it("answers 500 with the server's exact message when two budgets select the pod", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const response = await subject.request("POST", "/api/v1/namespaces/shop/pods/twice/eviction", {
      body: evictionOf("shop", "twice"),
    });
    expect(response.status).toBe(500);
    expect(response.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      code: 500,
    });
    expect(subject.cluster.view.pod("shop", "twice")?.metadata.deletionTimestamp).toBeUndefined();
  });

  it("deletes a pod no budget selects with 201 Success", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const response = await subject.request("POST", "/api/v1/namespaces/shop/pods/lonely/eviction", {
      body: evictionOf("shop", "lonely"),
    });
    expect(response.status).toBe(201);
    expect(response.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      code: 201,
    });
    expect(subject.cluster.view.pod("shop", "lonely")?.metadata.deletionTimestamp).toBeDefined();
  });

  it("spends the budget, notes the pod in disruptedPods and marks it DisruptionTarget before deleting it", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [pod] = await podsOf(subject, "web");
    const name = pod?.metadata?.name ?? "";
    await evict(subject, "shop", name, pod?.metadata?.uid);
    const budget = await subject.policy.readNamespacedPodDisruptionBudget({ name: "web", namespace: "shop" });
    expect(budget.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(budget.status?.disruptedPods ?? {})).toEqual([name]);
    const evicted = subject.cluster.view.pod("shop", name);
    expect(evicted?.metadata.deletionTimestamp).toBeDefined();
    expect(evicted?.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(evicted?.status.conditions).toContainEqual(
      expect.objectContaining({ type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI" }),
    );
    expect(subject.cluster.recorder.deletions()).toEqual([
      expect.objectContaining({ name, via: "eviction", gracePeriodSeconds: 30, uid: pod?.metadata?.uid }),
    ]);
  });

  it("answers 429 with the DisruptionBudget cause when no disruption is allowed", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [pod] = await podsOf(subject, "guarded");
    const response = await subject.request(
      "POST",
      `/api/v1/namespaces/shop/pods/${pod?.metadata?.name}/eviction`,
      {
        body: evictionOf("shop", pod?.metadata?.name ?? ""),
      },
    );
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(response.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: "TooManyRequests",
      details: {
        causes: [
          {
            reason: "DisruptionBudget",
            message: "The disruption budget guarded needs 2 healthy pods and has 2 currently",
          },
        ],
      },
      code: 429,
    });
    expect(subject.cluster.recorder.refusalsByCause()).toMatchObject({ DisruptionBudget: 1, Throttled: 0 });
  });

  it("answers 429 with Retry-After 10 while the controller has not observed the budget's new generation", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    await subject.request("PATCH", "/apis/policy/v1/namespaces/shop/poddisruptionbudgets/web", {
      body: { spec: { minAvailable: 2 } },
      contentType: "application/merge-patch+json",
    });
    const [pod] = await podsOf(subject, "web");
    const name = pod?.metadata?.name ?? "";
    const refused = await subject.request("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, {
      body: evictionOf("shop", name),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("10");
    expect(refused.json()).toMatchObject({
      details: {
        retryAfterSeconds: 10,
        causes: [
          {
            reason: "DisruptionBudget",
            message: "The disruption budget web is still being processed by the server.",
          },
        ],
      },
    });
    expect(subject.cluster.recorder.refusalsByCause().BudgetNotObserved).toBe(1);
    await subject.clock?.advance(500);
    expect(subject.cluster.view.budget("shop", "web")?.status).toMatchObject({
      observedGeneration: 2,
      disruptionsAllowed: 2,
    });
    const accepted = await subject.request("POST", `/api/v1/namespaces/shop/pods/${name}/eviction`, {
      body: evictionOf("shop", name),
    });
    expect(accepted.status).toBe(201);
  });

  it("evicts a not-ready pod without spending the budget when the budget is otherwise met", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [pod] = await podsOf(subject, "web");
    const name = pod?.metadata?.name ?? "";
    subject.cluster.setPodReady("shop", name, false);
    await subject.clock?.advance(500);
    expect(subject.cluster.view.budget("shop", "web")?.status).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 3,
      disruptionsAllowed: 0,
    });
    await evict(subject, "shop", name);
    expect(subject.cluster.view.pod("shop", name)?.metadata.deletionTimestamp).toBeDefined();
    expect(subject.cluster.view.budget("shop", "web")?.status?.disruptedPods).toBeUndefined();
  });

  it("refuses a not-ready pod when its budget is not met, unless the budget says AlwaysAllow", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [first, second] = await podsOf(subject, "guarded");
    subject.cluster.setPodReady("shop", first?.metadata?.name ?? "", false);
    await subject.clock?.advance(500);
    const error = await rejection(evict(subject, "shop", first?.metadata?.name ?? ""));
    expect(errorCode(error)).toBe(429);
    expect(errorBody(error).details?.causes?.[0]?.message).toBe(
      "The disruption budget guarded needs 2 healthy pods and has 1 currently",
    );
    await subject.request("PATCH", "/apis/policy/v1/namespaces/shop/poddisruptionbudgets/guarded", {
      body: { spec: { unhealthyPodEvictionPolicy: "AlwaysAllow" } },
      contentType: "application/merge-patch+json",
    });
    await subject.clock?.advance(500);
    await evict(subject, "shop", first?.metadata?.name ?? "");
    expect(
      subject.cluster.view.pod("shop", first?.metadata?.name ?? "")?.metadata.deletionTimestamp,
    ).toBeDefined();
    const healthy = await rejection(evict(subject, "shop", second?.metadata?.name ?? ""));
    expect(errorCode(healthy)).toBe(429);
  });

  it("accepts a policy/v1beta1 Eviction", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const response = await subject.request("POST", "/api/v1/namespaces/shop/pods/lonely/eviction", {
      body: evictionOf("shop", "lonely", undefined, "policy/v1beta1"),
    });
    expect(response.status).toBe(201);
  });

  it("answers 403 with cause NamespaceTerminating in a namespace being deleted", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const error = await rejection(evict(subject, "closing", "leaving"));
    expect(errorCode(error)).toBe(403);
    expect(errorBody(error).details?.causes?.[0]?.reason).toBe("NamespaceTerminating");
  });

  it("checks the UID precondition only when deleting, so a guarded pod with no disruption left answers 429", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [pod] = await podsOf(subject, "guarded");
    const error = await rejection(
      evict(subject, "shop", pod?.metadata?.name ?? "", "00000000-0000-4000-8000-000000000000"),
    );
    expect(errorCode(error)).toBe(429);
  });

  it("changes nothing on a dry run", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    const [pod] = await podsOf(subject, "web");
    const name = pod?.metadata?.name ?? "";
    const response = await subject.request(
      "POST",
      `/api/v1/namespaces/shop/pods/${name}/eviction?dryRun=All`,
      {
        body: evictionOf("shop", name),
      },
    );
    expect(response.status).toBe(201);
    expect(subject.cluster.view.pod("shop", name)?.metadata.deletionTimestamp).toBeUndefined();
    expect(subject.cluster.view.budget("shop", "web")?.status?.disruptionsAllowed).toBe(1);
  });

  // The eviction subresource skips a budget whose selector is nil or empty ("it should match nothing, not
  // everything"): https://github.com/kubernetes/kubernetes/blob/01aa0f3f6052c9866dcb69054d8924fa8c96e3cb/pkg/registry/core/pod/storage/eviction.go#L385-L393
  // while the disruption controller counts every pod of the namespace in that budget's status
  // (src/labels/label-selector.ts).
  it("does not let a budget with an empty selector ({}) block an eviction, though its status counts every pod", async () => {
    const subject = await startCluster(scenario, { manualClock: true });
    // Eight of the namespace's ten pods are healthy (one Succeeded, one Pending): all eight are needed.
    subject.cluster.addBudget({ name: "everything", namespace: "shop", selector: {}, minAvailable: 8 });
    await subject.clock?.advance(500);
    const status = subject.cluster.view.budget("shop", "everything")?.status;
    const podsInShop = (await subject.core.listNamespacedPod({ namespace: "shop" })).items.length;
    expect(podsInShop).toBe(10);
    expect(status).toMatchObject({ currentHealthy: 8, desiredHealthy: 8, disruptionsAllowed: 0 });

    const response = await subject.request("POST", "/api/v1/namespaces/shop/pods/lonely/eviction", {
      body: evictionOf("shop", "lonely"),
    });

    expect(response.status).toBe(201);
    expect(subject.cluster.view.pod("shop", "lonely")?.metadata.deletionTimestamp).toBeDefined();
  });
});

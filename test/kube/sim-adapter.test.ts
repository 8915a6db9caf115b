import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { KubeEventRecorder } from "../../src/kube/event-recorder.js";
import { kubeClientFromEndpoint, kubeClientFromKubeconfig } from "../../src/kube/kube-client.js";
import { KubeCluster } from "../../src/kube/kube-cluster.js";
import { findNodeForInstance } from "../../src/kube/node-lookup.js";
import { FakeClock } from "../drain/support/fake-clock.js";
import { type SimDrainHarness, startHarness } from "./support/sim-harness.js";

describe("the adapter against the simulated API server", () => {
  let harness: SimDrainHarness;
  let directory: string;

  beforeAll(async () => {
    harness = await startHarness({ file: "scenarios/default.yaml" });
    directory = await mkdtemp(join(tmpdir(), "kube-adapter-test-"));
  }, 30_000);

  afterAll(async () => {
    await harness.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it("finds an instance's node by providerID, and by private DNS name", async () => {
    const [instance] = harness.sim.view.instances();
    if (instance === undefined) throw new Error("the scenario has no instance");

    const byId = await findNodeForInstance(harness.client, { instanceId: instance.instanceId });
    const byName = await findNodeForInstance(harness.client, {
      instanceId: "i-00000000000000000",
      privateDnsName: instance.privateDnsName,
    });

    expect(byId?.metadata?.name).toBe(instance.nodeName);
    // The node's providerID names another instance: a DNS-name match must not take it.
    expect(byName).toBeUndefined();
    expect(await findNodeForInstance(harness.client, { instanceId: "i-0ffffffffffffffff" })).toBeUndefined();
  });

  it("records node and pod events, aggregating repeats into a count", async () => {
    const clock = new FakeClock(Date.now());
    const errors: Error[] = [];
    const recorder = new KubeEventRecorder(harness.client, { clock, onError: (error) => errors.push(error) });
    const subject = { kind: "Node" as const, name: harness.nodeName };

    await recorder.record({ subject, type: "Normal", reason: "DrainStarted", message: "draining" });
    for (let index = 0; index < 4; index += 1) {
      await recorder.record({ subject, type: "Warning", reason: "EvictionBlocked", message: "budget web" });
    }
    await recorder.record({
      subject: { kind: "Pod", name: "mongo-0", namespace: "data" },
      type: "Normal",
      reason: "Evicted",
      message: "evicted by the drain",
    });
    await recorder.flush();

    expect(errors.map((e) => e.message)).toEqual([]);
    const events = harness.sim.view.events();
    const blocked = events.filter((event) => event.reason === "EvictionBlocked");
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({ count: 4, type: "Warning", metadata: { namespace: "default" } });
    expect(events.find((event) => event.reason === "Evicted")?.metadata.namespace).toBe("data");
    // One create per distinct event and one update for the repeats, not one write per occurrence.
    expect(harness.sim.recorder.countsByRequest()["create events"]).toBe(3);
    expect(harness.sim.recorder.countsByRequest()["patch events"]).toBe(1);
  });

  it("works from a kubeconfig whose user is an exec credential plugin", async () => {
    const credential = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      kind: "ExecCredential",
      status: { token: harness.sim.token },
    });
    const path = join(directory, "kubeconfig");
    await writeFile(
      path,
      stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "sim",
            cluster: { server: harness.sim.server, "certificate-authority-data": harness.sim.caData },
          },
        ],
        users: [
          {
            name: "exec-user",
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "sh",
                args: ["-c", `printf '%s' '${credential}'`],
                interactiveMode: "Never",
              },
            },
          },
        ],
        contexts: [{ name: "sim-exec", context: { cluster: "sim", user: "exec-user" } }],
        "current-context": "sim-exec",
      }),
    );
    const client = kubeClientFromKubeconfig({ path, context: "sim-exec" });
    try {
      const node = await new KubeCluster(client).getNode(harness.nodeName);
      expect(node?.metadata?.name).toBe(harness.nodeName);
    } finally {
      await client.close();
    }
  });

  it("names the contexts a kubeconfig has when the asked one is missing", () => {
    expect(() => kubeClientFromKubeconfig({ path: harness.sim.kubeconfigPath, context: "nope" })).toThrow(
      /has no context "nope" \(it has: sim-default\)/,
    );
  });

  it("answers a missing node with undefined and a refused token with a typed, non-retryable error", async () => {
    expect(await harness.cluster.getNode("no-such-node")).toBeUndefined();
    const client = kubeClientFromEndpoint({
      server: harness.sim.server,
      caData: harness.sim.caData,
      token: async () => "wrong-token",
    });
    try {
      await expect(new KubeCluster(client).getNode(harness.nodeName)).rejects.toMatchObject({
        kind: "unauthorized",
        retryable: false,
        status: 401,
      });
    } finally {
      await client.close();
    }
  });
});

import { CoreV1Api, KubeConfig, PolicyV1Api, StorageV1Api } from "@kubernetes/client-node";
import { Agent, fetch } from "undici";
import { afterEach } from "vitest";
import {
  createManualClock,
  type ManualClock,
  parseScenario,
  type SimCluster,
  type SimClusterOptions,
  startSimCluster,
} from "../../src/sim/index.js";

/** A simulated cluster started for one test, with the clients the tests talk to it through. */
export interface ClusterUnderTest {
  readonly cluster: SimCluster;
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly policy: PolicyV1Api;
  readonly storage: StorageV1Api;
  readonly clock: ManualClock | undefined;
  /** A raw HTTPS request to the server (keep-alive), with the cluster's token unless `token` says otherwise. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; contentType?: string; token?: string | null },
  ): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }>;
}

const running = new Set<{ stop(): Promise<void> }>();

afterEach(async () => {
  const stopping = [...running].map((entry) => entry.stop());
  running.clear();
  await Promise.all(stopping);
});

export const nodeA = "ip-10-0-1-10.us-west-2.compute.internal";
export const nodeB = "ip-10-0-1-11.us-west-2.compute.internal";
export const nodeC = "ip-10-0-2-20.us-west-2.compute.internal";

/** Three nodes (two in us-west-2a, one in us-west-2b) and whatever `rest` adds (YAML, same indentation). */
export function threeNodes(rest: string): string {
  return `
nodes:
  - { name: ${nodeA}, instanceId: i-0000000000000000a, availabilityZone: us-west-2a }
  - { name: ${nodeB}, instanceId: i-0000000000000000b, availabilityZone: us-west-2a }
  - { name: ${nodeC}, instanceId: i-0000000000000000c, availabilityZone: us-west-2b }
${rest}`;
}

/**
 * Starts a cluster from scenario YAML. With `manualClock` the cluster's time stands still until the test
 * advances it (kubelet, controllers and budget status wait for it).
 */
export async function startCluster(
  yaml: string,
  options: { manualClock?: boolean } & Omit<SimClusterOptions, "clock"> = {},
): Promise<ClusterUnderTest> {
  const clock = options.manualClock ? createManualClock() : undefined;
  const { manualClock: _manual, ...rest } = options;
  const cluster = await startSimCluster(parseScenario(yaml, "test-scenario.yaml"), {
    ...rest,
    ...(clock ? { clock } : {}),
  });
  const dispatcher = new Agent({ connect: { ca: Buffer.from(cluster.caData, "base64").toString("utf8") } });
  running.add({
    stop: async () => {
      await cluster.stop();
      await dispatcher.close();
    },
  });
  const config = new KubeConfig();
  config.loadFromFile(cluster.kubeconfigPath);
  return {
    cluster,
    config,
    core: config.makeApiClient(CoreV1Api),
    policy: config.makeApiClient(PolicyV1Api),
    storage: config.makeApiClient(StorageV1Api),
    clock,
    request: async (method, path, requestOptions = {}) => {
      const headers: Record<string, string> = {};
      const token = requestOptions.token === undefined ? cluster.token : requestOptions.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (requestOptions.body !== undefined) {
        body =
          typeof requestOptions.body === "string" ? requestOptions.body : JSON.stringify(requestOptions.body);
        headers["content-type"] = requestOptions.contentType ?? "application/json";
      }
      const response = await fetch(`${cluster.server}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher,
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers as unknown as Headers,
        text,
        json: () => JSON.parse(text),
      };
    },
  };
}

/** An Eviction body for the pod, optionally pinned to a UID. */
export function evictionOf(namespace: string, name: string, uid?: string, apiVersion = "policy/v1") {
  return {
    apiVersion,
    kind: "Eviction",
    metadata: { name, namespace },
    ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}),
  };
}

/** The error body of a client-node ApiException, parsed. */
export function errorBody(error: unknown): {
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[]; retryAfterSeconds?: number };
} {
  const body = (error as { body?: unknown }).body;
  return typeof body === "string" ? JSON.parse(body) : (body as object);
}

/** The HTTP code of a client-node ApiException. */
export function errorCode(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

/** Awaits a promise expected to reject, and returns what it rejected with. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail, it succeeded");
}

/** Polls (real time) until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectToCluster } from "../../src/cli/cluster-connection.js";
import { ClusterError } from "../../src/drain/cluster-port.js";
import { kubeClientFromEndpoint } from "../../src/kube/kube-client.js";
import { loadScenario, type SimCluster, startSimCluster } from "../../src/sim/index.js";
import { systemClock } from "../../src/time/clock.js";
import { execKubeconfig as writeExecKubeconfig } from "../support/exec-kubeconfig.js";

/**
 * A 401 from the API server renews the credential once and retries the request: for the kubeconfig's
 * exec credential plugin (the CLI's path, as with `aws eks get-token`) and for a token provider (the
 * Lambda's and the worker's EKS token). The simulated API server's `refuseTokens` fault answers 401 to
 * the next N requests whose token is good, as aws-iam-authenticator does when its STS call fails.
 */

let sim: SimCluster;
let directory: string;

beforeAll(async () => {
  sim = await startSimCluster(await loadScenario("scenarios/default.yaml"));
  directory = await mkdtemp(join(tmpdir(), "credential-renewal-"));
});

afterAll(async () => {
  await sim.stop();
  await rm(directory, { recursive: true, force: true });
});

afterEach(() => sim.faults.reset());

const execKubeconfig = (name: string) => writeExecKubeconfig(directory, name, sim);

function connect(kubeconfig: string) {
  return connectToCluster({ kubeconfig, requestTimeoutMs: 10_000, env: {}, clock: systemClock });
}

function codesSince(start: number): number[] {
  return sim.recorder
    .requests()
    .slice(start)
    .map((request) => request.code);
}

const nodeName = () => sim.scenario.nodes[0]?.name ?? "";

describe("a 401 from the API server", () => {
  it("runs the exec credential plugin again and retries the request once", async () => {
    const { path, runs } = await execKubeconfig("once");
    const connection = connect(path);
    try {
      await connection.client.core.readNode({ name: nodeName() });
      expect(await runs()).toBe(1);
      sim.faults.update({ refuseTokens: 1 });
      const start = sim.recorder.requests().length;

      const node = await connection.client.core.readNode({ name: nodeName() });

      expect(node.metadata?.name).toBe(nodeName());
      expect(codesSince(start)).toEqual([401, 200]);
      expect(await runs(), "the plugin ran again after the 401").toBe(2);
    } finally {
      await connection.close();
    }
  });

  it("is the answer when the fresh credential is refused too", async () => {
    const { path, runs } = await execKubeconfig("twice");
    const connection = connect(path);
    try {
      sim.faults.update({ refuseTokens: 2 });
      const start = sim.recorder.requests().length;

      const failure = await connection.cluster.getNode(nodeName()).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(ClusterError);
      expect((failure as ClusterError).kind).toBe("unauthorized");
      expect((failure as ClusterError).retryable).toBe(false);
      expect(codesSince(start)).toEqual([401, 401]);
      expect(await runs()).toBe(2);
    } finally {
      await connection.close();
    }
  });

  it("is the answer at once for a static token, which nothing can renew", async () => {
    const connection = connect(sim.kubeconfigPath);
    try {
      sim.faults.update({ refuseTokens: 1 });
      const start = sim.recorder.requests().length;

      const failure = await connection.cluster.getNode(nodeName()).catch((error: unknown) => error);

      expect((failure as ClusterError).kind).toBe("unauthorized");
      expect(codesSince(start)).toEqual([401]);
    } finally {
      await connection.close();
    }
  });

  it("drops a provider's cached token so that the retry carries a newly minted one", async () => {
    let minted = 0;
    let cached: string | undefined;
    const dropped: string[] = [];
    const client = kubeClientFromEndpoint({
      server: sim.server,
      caData: sim.caData,
      token: async () => {
        if (cached === undefined) {
          minted += 1;
          cached = sim.token;
        }
        return cached;
      },
      tokenRejected: (token) => {
        dropped.push(token);
        if (cached === token) cached = undefined;
      },
    });
    try {
      await client.core.readNode({ name: nodeName() });
      sim.faults.update({ refuseTokens: 1 });
      const start = sim.recorder.requests().length;

      await client.core.readNode({ name: nodeName() });

      expect(codesSince(start)).toEqual([401, 200]);
      expect(dropped).toEqual([sim.token]);
      expect(minted).toBe(2);
    } finally {
      await client.close();
    }
  });
});

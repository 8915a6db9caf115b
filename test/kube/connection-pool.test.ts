import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeClientFromEndpoint } from "../../src/kube/kube-client.js";
import { KubeCluster } from "../../src/kube/kube-cluster.js";
import { type LocalApiServer, startLocalApiServer } from "./support/local-api-server.js";

describe("connection reuse", () => {
  let api: LocalApiServer;

  beforeAll(async () => {
    api = await startLocalApiServer();
  });

  afterAll(async () => {
    await api.stop();
  });

  it("sends the requests of a client over a pool of kept-alive TLS connections", async () => {
    let tokens = 0;
    const client = kubeClientFromEndpoint({
      server: api.server,
      caData: api.caData,
      token: async () => `token-${++tokens}`,
    });
    const cluster = new KubeCluster(client);
    const before = api.handshakes();

    for (let index = 0; index < 40; index += 1) {
      expect((await cluster.getNode(`node-${index}`))?.metadata?.name).toBe(`node-${index}`);
    }
    const sequential = api.handshakes() - before;
    await Promise.all(Array.from({ length: 8 }, (_, index) => cluster.getNode(`parallel-${index}`)));
    await client.close();

    // 40 sequential requests share the pool (undici may open a second connection while the first is
    // being released); 8 parallel ones open at most 8 connections in all.
    expect(sequential).toBeLessThanOrEqual(2);
    expect(api.handshakes() - before).toBeLessThanOrEqual(2 + 8);
    // The token provider is asked on every request, so a refreshed token is used at once.
    expect(tokens).toBe(48);
    expect(api.authorizations.slice(-48).every((value) => /^Bearer token-\d+$/.test(value))).toBe(true);
  });

  it("still checks the server's certificate against the CA it was given, loaded once for the pool", async () => {
    const stranger = await generate([{ name: "commonName", value: "another-ca" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
    });
    const wrongCa = kubeClientFromEndpoint({
      server: api.server,
      caData: Buffer.from(stranger.cert).toString("base64"),
      token: async () => "token",
    });
    await expect(new KubeCluster(wrongCa).getNode("node-a")).rejects.toThrow(/certificate/i);
    await wrongCa.close();

    const rightCa = kubeClientFromEndpoint({
      server: api.server,
      caData: api.caData,
      token: async () => "token",
    });
    const names = await Promise.all(
      Array.from({ length: 4 }, (_, index) => new KubeCluster(rightCa).getNode(`node-${index}`)),
    );
    expect(names.map((node) => node?.metadata?.name)).toEqual(["node-0", "node-1", "node-2", "node-3"]);
    await rightCa.close();
  });

  it("is needed: stock client-node opens a TLS connection per request", async () => {
    const config = new KubeConfig();
    config.loadFromClusterAndUser(
      { name: "local", server: api.server, caData: api.caData, skipTLSVerify: false },
      { name: "user", token: "static" },
    );
    const core = config.makeApiClient(CoreV1Api);
    const before = api.handshakes();

    for (let index = 0; index < 10; index += 1) await core.readNode({ name: `node-${index}` });

    expect(api.handshakes() - before).toBe(10);
  });
});

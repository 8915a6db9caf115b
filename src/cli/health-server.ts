import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthProbes {
  /** The process works (liveness). */
  healthy(): boolean;
  /** The worker polls its queue and is not shutting down (readiness). */
  ready(): boolean;
  /** The Prometheus text exposition. */
  metrics(): Promise<string>;
}

/**
 * `/healthz`, `/readyz` and Prometheus `/metrics` for the queue worker, on `listen` ("[host]:port"; port 0
 * picks a free one). Answers 200 or 503 with a one-word body; anything else is 404.
 */
export async function startHealthServer(
  listen: string,
  probes: HealthProbes,
): Promise<{ url: string; close(): Promise<void> }> {
  const separator = listen.lastIndexOf(":");
  const host = listen.slice(0, separator).replace(/^\[|\]$/g, "") || "0.0.0.0";
  const port = Number(listen.slice(separator + 1));
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const answer = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      response.end(body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") return answer(405, "method not allowed\n");
    if (path === "/healthz") return probes.healthy() ? answer(200, "ok\n") : answer(503, "unhealthy\n");
    if (path === "/readyz") return probes.ready() ? answer(200, "ready\n") : answer(503, "not ready\n");
    if (path === "/metrics") {
      probes.metrics().then(
        (text) => answer(200, text, "text/plain; version=0.0.4; charset=utf-8"),
        () => answer(500, "metrics unavailable\n"),
      );
      return;
    }
    answer(404, "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

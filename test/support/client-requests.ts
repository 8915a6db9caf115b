import { subscribe } from "node:diagnostics_channel";

/**
 * Requests the kube client (undici, under @kubernetes/client-node) has made and not yet written to a
 * connection, seen through undici's diagnostics channels
 * (https://github.com/nodejs/undici/blob/main/docs/docs/api/DiagnosticsChannel.md). The simulated API
 * server counts a request from the moment its connection is accepted; before that — while undici opens
 * a connection, which takes several milliseconds on a loaded machine — only the client knows of it. Once
 * its headers are written the server's count takes over (and a request the server holds on the virtual
 * clock, as simulated latency does, must not hold the clock: it is not counted here).
 */
const unsent = new Map<object, number>();
/**
 * A request unsent for longer than this (real time) no longer holds virtual time: one queued behind
 * connections that watches keep open goes out when a watch ends, which takes virtual time to come.
 */
const FORGOTTEN_AFTER_MS = 2_000;

const requestOf = (message: unknown) => (message as { request: object }).request;

subscribe("undici:request:create", (message) => {
  unsent.set(requestOf(message), performance.now());
});
subscribe("undici:client:sendHeaders", (message) => {
  unsent.delete(requestOf(message));
});
subscribe("undici:request:error", (message) => {
  unsent.delete(requestOf(message));
});

/** Client requests created and not yet written to a connection. */
export function clientRequestsUnsent(): number {
  const now = performance.now();
  for (const [request, createdAt] of unsent) {
    if (now - createdAt > FORGOTTEN_AFTER_MS) unsent.delete(request);
  }
  return unsent.size;
}

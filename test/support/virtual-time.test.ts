import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect as connectSocket, type Socket } from "node:net";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/time/manual-clock.js";
import { onVirtualTime } from "./virtual-time.js";

/** Real milliseconds the client takes to open a connection: well past the helper's pause before a leap. */
const SLOW_CONNECT_MS = 40;

describe("virtual time", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("does not leap while a request is still opening its connection", async () => {
    let answering = 0;
    const server = createServer((_request, response) => {
      answering += 1;
      response.once("close", () => {
        answering -= 1;
      });
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    // As on a loaded machine: the socket is opened a while after the request is made.
    const agent = new Agent({
      connect: (options, callback) => {
        setTimeout(() => {
          const socket: Socket = connectSocket({ host: "127.0.0.1", port: Number(options.port) });
          socket.once("connect", () => callback(null, socket));
          socket.once("error", (error) => callback(error, null));
        }, SLOW_CONNECT_MS);
      },
    });
    cleanups.push(() => agent.close());
    const clock = createManualClock(0);
    // Something of the cluster's, due in ten virtual seconds.
    const sleeper = clock.sleep(10_000);

    const answeredAt = await onVirtualTime(
      clock,
      async () => {
        const answer = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
        await answer.body.text();
        return clock.now();
      },
      { busy: () => answering > 0 },
    );

    expect(answeredAt).toBe(0);
    await onVirtualTime(clock, () => sleeper);
    expect(clock.now()).toBe(10_000);
  });
});

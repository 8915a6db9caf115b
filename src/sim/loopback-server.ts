import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A plain HTTP server on 127.0.0.1 at a free port: what each simulated AWS endpoint (SQS, ELBv2) listens
 * on. `url` is "http://127.0.0.1:PORT" once started.
 */
export class LoopbackServer {
  private server: Server | undefined;
  private base = "";

  constructor(private readonly handle: (request: IncomingMessage, response: ServerResponse) => void) {}

  async start(): Promise<void> {
    const server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return this.base;
  }

  /** Closes the server and every connection still open. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The request's body as text. */
export function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

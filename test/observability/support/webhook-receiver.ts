import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedPost {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export interface WebhookReceiver {
  /** A secret-looking URL on 127.0.0.1, as Slack hands out. */
  url: string;
  posts: ReceivedPost[];
  /** What the receiver answers from now on. */
  answerWith(status: number): void;
  stop(): Promise<void>;
}

/** A local HTTP endpoint standing in for a Slack incoming webhook: it keeps what it receives. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  let status = 200;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      posts.push({
        path: request.url ?? "",
        contentType: request.headers["content-type"],
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      });
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status === 200 ? "ok" : "invalid_token");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0001/B0002/hook-secret-0123456789abcdef`,
    posts,
    answerWith: (next) => {
      status = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

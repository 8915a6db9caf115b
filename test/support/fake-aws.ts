import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the fake AWS endpoint received it. */
export interface AwsRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The form fields of a Query API POST (Action, Version, ...); empty otherwise. */
  form: URLSearchParams;
}

export interface AwsAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** Answers one request, or undefined when the fake does not know it (a 400 then). */
export type AwsRoute = (request: AwsRequest) => AwsAnswer | undefined | Promise<AwsAnswer | undefined>;

export interface FakeAws {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: AwsRequest[];
  close(): Promise<void>;
}

/** A plain-HTTP AWS endpoint on 127.0.0.1 that records requests and answers through `route`. */
export async function startFakeAws(route: AwsRoute): Promise<FakeAws> {
  const requests: AwsRequest[] = [];
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const isForm = String(incoming.headers["content-type"] ?? "").startsWith(
        "application/x-www-form-urlencoded",
      );
      const request: AwsRequest = {
        method: incoming.method ?? "GET",
        url: incoming.url ?? "/",
        headers: incoming.headers,
        body,
        form: new URLSearchParams(isForm ? body : ""),
      };
      requests.push(request);
      try {
        const answer = (await route(request)) ?? {
          status: 400,
          contentType: "text/xml",
          body: `<Response><Errors><Error><Code>InvalidAction</Code><Message>the fake does not know ${request.method} ${request.url} ${request.form.get("Action") ?? ""}</Message></Error></Errors><RequestID>fake</RequestID></Response>`,
        };
        response.writeHead(answer.status, { "content-type": answer.contentType });
        response.end(answer.body);
      } catch (error) {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A closed port: requests to it fail at once with ECONNREFUSED. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

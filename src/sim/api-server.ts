import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Clock } from "../time/clock.js";
import { type ApiContext, dispatch, verbOf } from "./api-dispatch.js";
import type { Reply } from "./api-reply.js";
import {
  ApiError,
  internalError,
  requestEntityTooLarge,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
} from "./api-status.js";
import type { Faults, FaultVerb } from "./faults.js";
import type { RecordedRequest, Recorder } from "./recorder.js";
import { type Route, routeOf } from "./request-route.js";
import type { TlsMaterial } from "./tls-material.js";
import type { WatchHub } from "./watch-hub.js";

/** The API server's request body limit (3 MiB). */
const maxBodyBytes = 3 * 1024 * 1024;

export interface ApiServerOptions {
  readonly tls: TlsMaterial;
  /** The bearer token always accepted. */
  readonly token: string;
  /** Accepts further bearer tokens (an EKS token, say). */
  readonly acceptToken?: (bearer: string) => boolean;
  readonly context: ApiContext;
  readonly watches: WatchHub;
  readonly faults: Faults;
  readonly recorder: Recorder;
  readonly clock: Clock;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new BodyTooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function bearerOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}

function isWatch(request: IncomingMessage): boolean {
  const watch = new URL(request.url ?? "/", "https://127.0.0.1").searchParams.get("watch");
  return watch === "true" || watch === "1";
}

/** The HTTPS front of the simulated cluster: TLS, bearer auth, faults, the record, then the handlers. */
export class ApiServer {
  private readonly server: Server;
  private answering = 0;
  private handshaking = 0;

  constructor(private readonly options: ApiServerOptions) {
    this.server = createServer(
      { key: options.tls.serverKeyPem, cert: options.tls.serverCertPem, keepAlive: true },
      (request, response) => {
        if (!isWatch(request)) {
          this.answering += 1;
          response.once("close", () => {
            this.answering -= 1;
          });
        }
        this.handle(request, response).catch((error: unknown) => {
          const failure = internalError(String(error));
          if (!response.headersSent) this.writeJson(response, failure.code, JSON.stringify(failure.status));
          else response.destroy();
        });
      },
    );
    this.server.keepAliveTimeout = 60_000;
    this.server.headersTimeout = 65_000;
    this.server.requestTimeout = 0;
    this.server.on("connection", () => {
      this.handshaking += 1;
    });
    this.server.on("secureConnection", () => {
      this.handshaking -= 1;
      options.recorder.recordConnection();
    });
    this.server.on("tlsClientError", () => {
      this.handshaking -= 1;
    });
  }

  /** Requests being answered (watches excepted) and TLS handshakes under way: 0 when the server is idle. */
  requestsInFlight(): number {
    return this.answering + this.handshaking;
  }

  /** Listens on 127.0.0.1 at a free port; returns the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    this.options.watches.closeAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { faults, recorder, clock } = this.options;
    const started = performance.now();
    const url = new URL(request.url ?? "/", "https://127.0.0.1");
    const method = request.method ?? "GET";
    const record: Mutable<RecordedRequest> = {
      at: clock.now(),
      verb: method.toLowerCase(),
      resource: url.pathname,
      code: 0,
      durationMs: 0,
    };
    const finish = (code: number) => {
      record.code = code;
      record.durationMs = performance.now() - started;
      recorder.recordRequest(record);
    };

    let route: Route | undefined;
    let routeError: unknown;
    try {
      route = routeOf(url.pathname);
    } catch (error) {
      routeError = error;
    }
    let faultVerb: FaultVerb | undefined;
    if (route?.kind === "resource") {
      const verb = verbOf(method, route, url.searchParams);
      record.resource = route.type.plural;
      if (verb) record.verb = verb;
      if (route.subresource) record.subresource = route.subresource;
      if (route.namespace) record.namespace = route.namespace;
      if (route.name) record.name = route.name;
      if (verb && verb !== "deletecollection")
        faultVerb = route.subresource === "eviction" ? "eviction" : verb;
    }

    try {
      const body = await readBody(request).catch((error: unknown) => {
        if (error instanceof BodyTooLarge) throw requestEntityTooLarge(maxBodyBytes);
        throw error;
      });
      const latency = faultVerb ? faults.latencyMs(faultVerb) : 0;
      // Latency runs on the cluster's clock: a manual clock holds the request until it is advanced. While
      // it waits the request is a sleeper of that clock, not work in flight, so that time can move on.
      if (latency > 0) {
        this.answering -= 1;
        try {
          await clock.sleep(latency);
        } finally {
          this.answering += 1;
        }
      }
      const isPublic = route !== undefined && route.kind !== "resource" && route.public === true;
      if (!isPublic) this.authenticate(request);
      if (!route) throw routeError;
      if (route.kind === "text") {
        response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
        response.end(route.body);
        finish(200);
        return;
      }
      if (route.kind === "document") {
        this.writeJson(response, 200, JSON.stringify(route.body));
        finish(200);
        return;
      }
      if (faultVerb && faults.throttled()) {
        record.refusal = "Throttled";
        this.writeThrottled(response);
        finish(429);
        return;
      }
      const injected = faultVerb ? faults.injectedError(faultVerb) : undefined;
      if (injected === 503) throw serviceUnavailable("the server is currently unable to handle the request");
      if (injected === 500) throw internalError("injected fault: etcdserver: request timed out");
      const reply = dispatch(
        this.options.context,
        { method, route, query: url.searchParams, body, contentType: request.headers["content-type"] ?? "" },
        faults.dropWatchesAfterMs(),
      );
      this.writeReply(response, reply, method === "HEAD");
      if (reply.kind === "json" && reply.refusal) record.refusal = reply.refusal;
      finish(reply.kind === "json" ? reply.code : 200);
    } catch (error) {
      const failure =
        error instanceof ApiError
          ? error
          : internalError(error instanceof Error ? error.message : String(error));
      this.writeJson(response, failure.code, JSON.stringify(failure.status), failure.headers);
      finish(failure.code);
    }
  }

  private authenticate(request: IncomingMessage): void {
    const bearer = bearerOf(request);
    if (bearer === undefined) throw unauthorized();
    const good = bearer === this.options.token || this.options.acceptToken?.(bearer) === true;
    if (!good || this.options.faults.tokenRefused()) throw unauthorized();
  }

  private writeReply(response: ServerResponse, reply: Reply, headOnly: boolean): void {
    if (reply.kind === "watch") {
      this.options.watches.start(reply.request, response);
      return;
    }
    this.writeJson(response, reply.code, headOnly ? "" : reply.body, reply.headers);
  }

  private writeThrottled(response: ServerResponse): void {
    const { faults } = this.options;
    const retryAfter = faults.throttleRetryAfterSeconds();
    const message = "Too many requests, please try again later.";
    if (faults.throttleBody() === "text") {
      response.writeHead(429, {
        "Content-Type": "text/plain; charset=utf-8",
        "Retry-After": String(retryAfter),
      });
      response.end(`${message}\n`);
      return;
    }
    const refusal = tooManyRequests(message, retryAfter);
    this.writeJson(response, 429, JSON.stringify(refusal.status), refusal.headers);
  }

  private writeJson(
    response: ServerResponse,
    code: number,
    body: string,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    if (response.headersSent) {
      response.end();
      return;
    }
    response.writeHead(code, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      "Cache-Control": "no-cache, private",
      ...headers,
    });
    response.end(body);
  }
}

import type { RequestOptions } from "node:https";
import { KubeConfig, type RequestContext } from "@kubernetes/client-node";
import { Agent, type Dispatcher, ProxyAgent } from "undici";

export interface PoolOptions {
  /** Per-request timeout of API calls (not of watches), ms. */
  requestTimeoutMs: number;
  /** Keep-alive connections to the API server at most. */
  connections: number;
}

const defaults: PoolOptions = { requestTimeoutMs: 30_000, connections: 16 };

/**
 * A KubeConfig whose requests share one keep-alive connection pool. client-node 2.x builds a new undici
 * Agent for every request (so every request pays a TLS handshake); this one builds the connection
 * options the same way, once, and hands every request (API calls and watches) the same dispatcher.
 * Authentication is still applied per request, so exec plugins and token providers can refresh.
 */
export class PooledKubeConfig extends KubeConfig {
  private pool: { key: string; dispatcher: Dispatcher | undefined } | undefined;
  private readonly poolOptions: PoolOptions;

  constructor(options: Partial<PoolOptions> = {}) {
    super();
    this.poolOptions = { ...defaults, ...options };
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    this.applyTimeout(context);
    if (this.getCurrentCluster()?.proxyUrl?.startsWith("socks") === true) {
      // SOCKS proxies are left to client-node's own per-request dispatcher.
      await super.applySecurityAuthentication(context);
      return;
    }
    const options: RequestOptions = {};
    // Fills the TLS material and the auth headers (token, exec plugin, custom authenticators).
    await this.applyToHTTPSOptions(options);
    const user = this.getCurrentUser();
    if (user?.username !== undefined && user.username !== "") {
      const basic = Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64");
      context.setHeaderParam("Authorization", `Basic ${basic}`);
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) context.setHeaderParam(name, String(value));
    }
    const dispatcher = this.dispatcherFor(options);
    if (dispatcher !== undefined) context.setDispatcher(dispatcher);
  }

  /** API calls get a timeout; watches (which client-node runs with their own signal) do not. */
  private applyTimeout(context: RequestContext): void {
    if (context.getSignal() === undefined && !context.getUrl().includes("watch=true")) {
      context.setSignal(AbortSignal.timeout(this.poolOptions.requestTimeoutMs));
    }
  }

  /**
   * Closes the pool's connections: lets requests in flight finish for up to `graceMs`, then cuts what
   * is left (a watch whose stream has not started yet, say). Requests made afterwards open a new pool.
   */
  async close(graceMs = 1_000): Promise<void> {
    const dispatcher = this.pool?.dispatcher;
    this.pool = undefined;
    if (dispatcher === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = dispatcher.close().then(
      () => true,
      () => true,
    );
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const finished = await Promise.race([closed, late]);
    clearTimeout(timer);
    if (!finished) await dispatcher.destroy().catch(() => undefined);
  }

  private dispatcherFor(options: RequestOptions): Dispatcher | undefined {
    const cluster = this.getCurrentCluster();
    const key = JSON.stringify([
      cluster?.name,
      cluster?.server,
      this.getCurrentUser()?.name,
      this.getCurrentContext(),
    ]);
    if (this.pool?.key === key) return this.pool.dispatcher;
    const previous = this.pool?.dispatcher;
    void previous?.close().catch(() => undefined);
    const tls = {
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.cert === undefined ? {} : { cert: options.cert }),
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(options.pfx === undefined ? {} : { pfx: options.pfx }),
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
      ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
      ...(options.servername === undefined ? {} : { servername: options.servername }),
    };
    const plan = this.createDispatcherOptions(cluster, tls);
    let dispatcher: Dispatcher | undefined;
    const pooling = { connections: this.poolOptions.connections, keepAliveTimeout: 30_000 };
    switch (plan.type) {
      case "agent":
        dispatcher = new Agent({ ...pooling, connect: plan.connect });
        break;
      case "proxy":
        dispatcher = new ProxyAgent({
          ...pooling,
          uri: plan.uri,
          requestTls: plan.requestTls,
          connect: plan.connect,
        });
        break;
      default:
        // No TLS options at all: undici's global dispatcher already keeps connections alive.
        dispatcher = undefined;
    }
    this.pool = { key, dispatcher };
    return dispatcher;
  }
}

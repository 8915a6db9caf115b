import type { RequestOptions } from "node:https";
import { type ConnectionOptions, createSecureContext } from "node:tls";
import {
  type ApiType,
  type Configuration,
  createConfiguration,
  KubeConfig,
  type RequestContext,
  ServerConfiguration,
  setHeaderMiddleware,
  type User,
} from "@kubernetes/client-node";
import { Agent, type Dispatcher, ProxyAgent } from "undici";
import { bearerOf, type CredentialRenewal, CredentialRenewingHttpLibrary } from "./credential-renewal.js";

export interface PoolOptions {
  /** Per-request timeout of API calls (not of watches), ms. */
  requestTimeoutMs: number;
  /** Keep-alive connections to the API server at most. */
  connections: number;
}

const defaults: PoolOptions = { requestTimeoutMs: 30_000, connections: 16 };
const userAgent = "eks-node-drainer";

/**
 * A KubeConfig whose requests share one keep-alive connection pool. client-node 2.x builds a new undici
 * Agent for every request (so every request pays a TLS handshake); this one builds the connection
 * options the same way, once, and hands every request (API calls and watches) the same dispatcher.
 * Authentication is still applied per request, so exec plugins and token providers can refresh.
 */
export class PooledKubeConfig extends KubeConfig implements CredentialRenewal {
  private pool: { key: string; dispatcher: Dispatcher | undefined } | undefined;
  private readonly poolOptions: PoolOptions;
  private readonly tokenRejectedListeners: Array<(token: string) => void> = [];
  /** Where an exec plugin's or token file's credential is read, and the last one it gave. */
  private credentialSource: { config: KubeConfig; lastToken: string | undefined } | undefined;

  constructor(options: Partial<PoolOptions> = {}) {
    super();
    this.poolOptions = { ...defaults, ...options };
  }

  /**
   * As client-node's own, but every API client sends through CredentialRenewingHttpLibrary, so that a
   * 401 renews the credential once and retries the request.
   */
  override makeApiClient<T extends ApiType>(apiClientType: new (config: Configuration) => T): T {
    const cluster = this.getCurrentCluster();
    if (cluster === null) throw new Error("kubeconfig has no current cluster");
    return new apiClientType(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: this },
        httpApi: new CredentialRenewingHttpLibrary(this),
        middleware: [setHeaderMiddleware("User-Agent", userAgent)],
      }),
    );
  }

  /** Called with a bearer token the API server refused (the token provider drops it from its cache). */
  onTokenRejected(listener: (token: string) => void): void {
    this.tokenRejectedListeners.push(listener);
  }

  dropCredential(authorization: string): boolean {
    const token = bearerOf(authorization);
    if (token === undefined) return false;
    for (const listener of this.tokenRejectedListeners) listener(token);
    const cached = this.dropCachedCredential(token);
    return cached || this.tokenRejectedListeners.length > 0;
  }

  /**
   * client-node's authenticators cache what they read: ExecAuth an exec plugin's credential (`aws eks
   * get-token`) per user until its expirationTimestamp, FileAuth a token file (the in-cluster
   * service-account token) for 60 s. Each KubeConfig has its own authenticators
   * (https://github.com/kubernetes-client/javascript/blob/main/src/config.ts), so these credentials are
   * read through a KubeConfig of the same users made for the purpose: a refused one is forgotten by
   * dropping that KubeConfig, and the next request runs the plugin or reads the file again.
   */
  private dropCachedCredential(token: string): boolean {
    if (this.credentialSource === undefined || !renewsItself(this.getCurrentUser())) return false;
    // Only the credential that was refused: a request answered 401 with an older one changes nothing.
    if (this.credentialSource.lastToken === token) this.credentialSource = undefined;
    return true;
  }

  /** The KubeConfig that applies an exec plugin's or a token file's credential; this one otherwise. */
  private credentialsFrom(): KubeConfig {
    if (!renewsItself(this.getCurrentUser())) return this;
    if (this.credentialSource === undefined) {
      const config = new KubeConfig();
      config.loadFromOptions({
        clusters: this.getClusters(),
        users: this.getUsers(),
        contexts: this.getContexts(),
        currentContext: this.getCurrentContext(),
      });
      this.credentialSource = { config, lastToken: undefined };
    }
    return this.credentialSource.config;
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
    const source = this.credentialsFrom();
    await source.applyToHTTPSOptions(options);
    if (source !== this && this.credentialSource?.config === source) {
      const headers = options.headers;
      const authorization =
        headers !== undefined && "Authorization" in headers ? headers.Authorization : undefined;
      this.credentialSource.lastToken = bearerOf(String(authorization ?? ""));
    }
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
        dispatcher = new Agent({ ...pooling, connect: withSharedSecureContext(plan.connect) });
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

/**
 * The pool's connect options with the CA and client certificate loaded once, into one secure context:
 * given them as options, Node's tls.connect parses them again for every connection (each of a drain's
 * sixteen, a third of the CPU a connection costs).
 */
function withSharedSecureContext<T extends ConnectionOptions>(connect: T): T {
  const { ca, cert, key, pfx, passphrase, ...rest } = connect;
  if (ca === undefined && cert === undefined && key === undefined && pfx === undefined) return connect;
  const secureContext = createSecureContext({
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(pfx === undefined ? {} : { pfx }),
    ...(passphrase === undefined ? {} : { passphrase }),
  });
  return { ...rest, secureContext } as T;
}

/** A user whose credential client-node renews by itself: an exec plugin, or a token file. */
function renewsItself(user: User | null): boolean {
  return user !== null && (user.exec !== undefined || user.authProvider?.config?.tokenFile !== undefined);
}

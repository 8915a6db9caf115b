import type { RequestOptions } from "node:https";
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  type KubeConfig,
  PolicyV1Api,
  StorageV1Api,
  type User,
  Watch,
} from "@kubernetes/client-node";
import { PooledKubeConfig, type PoolOptions } from "./pooled-kube-config.js";

/** The typed APIs the adapter uses, over one KubeConfig and one connection pool. */
export interface KubeClient {
  readonly kubeConfig: PooledKubeConfig;
  readonly core: CoreV1Api;
  readonly policy: PolicyV1Api;
  readonly storage: StorageV1Api;
  readonly apps: AppsV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly watch: Watch;
  /** The API server's URL. */
  readonly server: string;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

export interface EndpointOptions extends Partial<PoolOptions> {
  /** https://... of the API server. */
  server: string;
  /** Base64 of the CA bundle in PEM (kubeconfig's certificate-authority-data, EKS's certificateAuthority.data). */
  caData: string;
  /** Called before every request so short-lived tokens (EKS: 15 min) are always fresh; cache inside. */
  token: () => Promise<string>;
  /** The API server refused this token (401): drop it from the cache so that `token` mints a new one. */
  tokenRejected?: (token: string) => void;
  /** A name for the cluster in messages; defaults to the server. */
  clusterName?: string;
}

export interface KubeconfigOptions extends Partial<PoolOptions> {
  /** A kubeconfig file; defaults to $KUBECONFIG or ~/.kube/config (or in-cluster). */
  path?: string;
  /** A context of that file; defaults to its current context. */
  context?: string;
}

const TOKEN_USER = "eks-node-drainer-token";

type Authenticator = Parameters<KubeConfig["addAuthenticator"]>[0];

/** Puts the provider's bearer token on each request of the user it was registered for. */
class TokenProviderAuthenticator implements Authenticator {
  constructor(private readonly token: () => Promise<string>) {}

  isAuthProvider(user: User): boolean {
    return user.name === TOKEN_USER;
  }

  async applyAuthentication(_user: User, options: RequestOptions): Promise<void> {
    const token = await this.token();
    options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
  }
}

/** A client for an API server known by endpoint, CA and a bearer-token provider (e.g. EKS). */
export function kubeClientFromEndpoint(options: EndpointOptions): KubeClient {
  if (!options.server.startsWith("https://")) {
    throw new Error(`API server endpoint must be https://, got "${options.server}"`);
  }
  const config = new PooledKubeConfig(poolOptions(options));
  config.addAuthenticator(new TokenProviderAuthenticator(options.token));
  const rejected = options.tokenRejected;
  if (rejected !== undefined) config.onTokenRejected(rejected);
  config.loadFromClusterAndUser(
    {
      name: options.clusterName ?? options.server,
      server: options.server,
      caData: options.caData,
      skipTLSVerify: false,
    },
    { name: TOKEN_USER },
  );
  return clientOf(config);
}

/** A client from a kubeconfig file and context; exec credential plugins (aws eks get-token) work as in kubectl. */
export function kubeClientFromKubeconfig(options: KubeconfigOptions = {}): KubeClient {
  const config = new PooledKubeConfig(poolOptions(options));
  if (options.path === undefined) config.loadFromDefault();
  else config.loadFromFile(options.path);
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      const known = config.getContexts().map((context) => context.name);
      throw new Error(
        `kubeconfig has no context "${options.context}" (it has: ${known.join(", ") || "none"})`,
      );
    }
    config.setCurrentContext(options.context);
  }
  if (config.getCurrentCluster() === null) {
    throw new Error(`kubeconfig ${options.path ?? "(default)"} has no current cluster`);
  }
  return clientOf(config);
}

function poolOptions(options: Partial<PoolOptions>): Partial<PoolOptions> {
  return {
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  };
}

function clientOf(config: PooledKubeConfig): KubeClient {
  return {
    kubeConfig: config,
    core: config.makeApiClient(CoreV1Api),
    policy: config.makeApiClient(PolicyV1Api),
    storage: config.makeApiClient(StorageV1Api),
    apps: config.makeApiClient(AppsV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    watch: new Watch(config),
    server: config.getCurrentCluster()?.server ?? "",
    close: () => config.close(),
  };
}

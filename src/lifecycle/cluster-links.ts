import type { ClusterAccess } from "../aws/cluster-access.js";
import type { Clock } from "../drain/clock.js";
import type { ClusterPort } from "../drain/cluster-port.js";
import { type KubeClient, kubeClientFromEndpoint } from "../kube/kube-client.js";
import { KubeCluster } from "../kube/kube-cluster.js";

/** One cluster as the job uses it: the typed client (node lookup) and the engine's port. */
export interface ClusterLink {
  clusterName: string;
  client: KubeClient;
  port: ClusterPort;
}

/** The job's way to a cluster by name: EKS access (ClusterLinks), or the one cluster a shell is given. */
export interface ClusterConnector {
  link(clusterName: string): Promise<ClusterLink>;
  /** Drops what is known of a cluster after a network failure, so that the next notice connects anew. */
  forget(clusterName: string): void;
}

/**
 * The one cluster a shell is already connected to (the CLI's kubeconfig): every name leads to it, and
 * its connections belong to the shell, which closes them.
 */
export function connectedCluster(link: ClusterLink): ClusterConnector {
  return { link: async () => link, forget: () => {} };
}

export interface ClusterLinksOptions {
  access: ClusterAccess;
  clock: Clock;
  /** Per-request timeout of API calls, ms. */
  requestTimeoutMs?: number;
  /** Poll interval of the pod and budget feeds when the server refuses watches, ms. */
  pollIntervalMs?: number;
}

/**
 * Kubernetes clients per cluster, built once per warm container: DescribeCluster once, one keep-alive
 * connection pool, and a fresh token before every request (the access re-mints it before it expires).
 * A failed connect is not kept; `forget` drops a cluster after a network failure so that the next notice
 * describes it again.
 */
export class ClusterLinks implements ClusterConnector {
  private readonly links = new Map<string, Promise<ClusterLink>>();

  constructor(private readonly options: ClusterLinksOptions) {}

  link(clusterName: string): Promise<ClusterLink> {
    const known = this.links.get(clusterName);
    if (known !== undefined) return known;
    const linking = this.connect(clusterName);
    this.links.set(clusterName, linking);
    linking.catch(() => {
      if (this.links.get(clusterName) === linking) this.links.delete(clusterName);
    });
    return linking;
  }

  /** Drops what is known of a cluster; its connections close in the background. */
  forget(clusterName: string): void {
    const known = this.links.get(clusterName);
    this.links.delete(clusterName);
    this.options.access.forget(clusterName);
    void known?.then((link) => link.client.close()).catch(() => undefined);
  }

  /** Closes every connection (tests and simulations; a Lambda container just freezes). */
  async close(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => link.then((l) => l.client.close()).catch(() => undefined)));
  }

  private async connect(clusterName: string): Promise<ClusterLink> {
    const connection = await this.options.access.connect(clusterName);
    const client = kubeClientFromEndpoint({
      server: connection.endpoint,
      caData: connection.caData,
      token: connection.bearerToken,
      ...(connection.bearerTokenRejected === undefined
        ? {}
        : { tokenRejected: connection.bearerTokenRejected }),
      clusterName,
      ...(this.options.requestTimeoutMs === undefined
        ? {}
        : { requestTimeoutMs: this.options.requestTimeoutMs }),
    });
    const port = new KubeCluster(client, {
      clock: this.options.clock,
      ...(this.options.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.options.pollIntervalMs }),
    });
    return { clusterName, client, port };
  }
}

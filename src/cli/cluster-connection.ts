import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../drain/clock.js";
import { type KubeClient, kubeClientFromKubeconfig } from "../kube/kube-client.js";
import { KubeCluster } from "../kube/kube-cluster.js";
import type { CliContext } from "./cli-context.js";
import { CliError } from "./cli-error.js";
import type { ClusterFlags } from "./flags.js";

export interface ConnectionRequest {
  /** --kubeconfig; else $KUBECONFIG, else ~/.kube/config, else in-cluster. */
  kubeconfig?: string | undefined;
  context?: string | undefined;
  requestTimeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  /** Keep-alive connections at most (default 16): each node drained at once holds one for its pod watch. */
  connections?: number;
}

/** A cluster reached through a kubeconfig: the typed client (node lookup) and the engine's port. */
export interface ClusterConnection {
  client: KubeClient;
  cluster: KubeCluster;
  /** The API server's URL, for messages. */
  server: string;
  close(): Promise<void>;
}

/** Connects with a command's --kubeconfig, --context and --request-timeout, in the command's environment. */
export function connectWithFlags(
  flags: ClusterFlags,
  context: CliContext,
  options: { connections?: number } = {},
): ClusterConnection {
  return connectToCluster({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    requestTimeoutMs: flags["request-timeout"],
    env: context.env,
    clock: context.clock,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });
}

/** Connects as kubectl would (exec credential plugins included); kubeconfig problems become one-line CliErrors. */
export function connectToCluster(request: ConnectionRequest): ClusterConnection {
  const path = request.kubeconfig;
  if (path !== undefined && !existsSync(path)) throw new CliError(`kubeconfig ${path} does not exist`);
  if (path === undefined && !defaultConfigExists(request.env)) {
    throw new CliError("no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config");
  }
  let client: KubeClient;
  try {
    client = kubeClientFromKubeconfig({
      ...(path === undefined ? {} : { path }),
      ...(request.context === undefined ? {} : { context: request.context }),
      requestTimeoutMs: request.requestTimeoutMs,
      ...(request.connections === undefined ? {} : { connections: request.connections }),
    });
  } catch (error) {
    throw new CliError(kubeconfigProblem(path ?? request.env.KUBECONFIG ?? "~/.kube/config", error), {
      cause: error,
      selfContained: true,
    });
  }
  const cluster = new KubeCluster(client, { clock: request.clock });
  return { client, cluster, server: client.server, close: () => client.close() };
}

function defaultConfigExists(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.KUBECONFIG !== undefined && env.KUBECONFIG !== "") return true;
  if (env.KUBERNETES_SERVICE_HOST !== undefined) return true;
  return existsSync(join(env.HOME ?? homedir(), ".kube", "config"));
}

function kubeconfigProblem(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n")[0]?.trim() ?? message;
  if (error instanceof Error && error.name === "YAMLException") {
    return `kubeconfig ${path} is not valid YAML: ${firstLine}`;
  }
  if (firstLine.includes(path)) return firstLine;
  return `reading kubeconfig ${path}: ${firstLine}`;
}

import {
  ApiException,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
} from "@kubernetes/client-node";
import { type Clock, systemClock } from "../drain/clock.js";
import type {
  ClusterPort,
  DeleteOutcome,
  DeletePodOptions,
  EvictionOutcome,
  EvictOptions,
  FeedSink,
  NodeMergePatch,
  PodRef,
  ResourceFeed,
  VolumeAttachmentInfo,
} from "../drain/cluster-port.js";
import type { DeploymentFacts, PatchOperation, WorkloadPort } from "../drain/workload-port.js";
import { statusBodyOf, toClusterError } from "./api-errors.js";
import { evictionOutcomeOfError, isUidPreconditionFailure } from "./eviction-response.js";
import type { KubeClient } from "./kube-client.js";
import { KubeWorkloads } from "./kube-workloads.js";
import { startListWatch } from "./list-watch.js";
import { withDates } from "./watched-object.js";

export interface KubeClusterOptions {
  /** Clock for the feeds' backoff and polling. */
  clock?: Clock;
  /** Poll interval when the server refuses watches, ms. */
  pollIntervalMs?: number;
  /** Each watch is closed by the server after this long and resumed, s. */
  watchTimeoutSeconds?: number;
}

/** The drain engine's ClusterPort (and WorkloadPort, for surge) over the Kubernetes API, through @kubernetes/client-node. */
export class KubeCluster implements ClusterPort, WorkloadPort {
  private readonly clock: Clock;
  private readonly workloads: KubeWorkloads;

  constructor(
    private readonly client: KubeClient,
    private readonly options: KubeClusterOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.workloads = new KubeWorkloads(client);
  }

  getDeployment(namespace: string, name: string): Promise<DeploymentFacts | undefined> {
    return this.workloads.getDeployment(namespace, name);
  }

  patchDeployment(
    namespace: string,
    name: string,
    operations: readonly PatchOperation[],
  ): Promise<DeploymentFacts> {
    return this.workloads.patchDeployment(namespace, name, operations);
  }

  listDeploymentsLabelled(labelKey: string): Promise<DeploymentFacts[]> {
    return this.workloads.listDeploymentsLabelled(labelKey);
  }

  autoscalersOf(namespace: string, kind: string, name: string): Promise<string[]> {
    return this.workloads.autoscalersOf(namespace, kind, name);
  }

  async getNode(name: string): Promise<V1Node | undefined> {
    try {
      return await this.client.core.readNode({ name });
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) return undefined;
      throw toClusterError(`reading node ${name}`, error);
    }
  }

  async patchNode(name: string, patch: NodeMergePatch): Promise<V1Node> {
    try {
      // client-node sends JSON patch unless told otherwise: this is a merge patch.
      return await this.client.core.patchNode(
        { name, body: patch },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    } catch (error) {
      throw toClusterError(`patching node ${name}`, error);
    }
  }

  async deleteNode(name: string): Promise<void> {
    try {
      await this.client.core.deleteNode({ name });
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) return;
      throw toClusterError(`deleting node ${name}`, error);
    }
  }

  async listPodsOnNode(nodeName: string): Promise<V1Pod[]> {
    return (await this.podList(nodeName)).items;
  }

  async listBudgets(): Promise<V1PodDisruptionBudget[]> {
    return (await this.budgetList()).items;
  }

  watchPodsOnNode(nodeName: string, sink: FeedSink<V1Pod>): ResourceFeed {
    return startListWatch<V1Pod>({
      what: `pods on node ${nodeName}`,
      list: () => this.podList(nodeName),
      watch: this.client.watch,
      path: "/api/v1/pods",
      query: { fieldSelector: `spec.nodeName=${nodeName}` },
      sink,
      clock: this.clock,
      normalize: (raw) => withDates(raw as V1Pod),
      ...this.feedTiming(),
    });
  }

  watchBudgets(sink: FeedSink<V1PodDisruptionBudget>): ResourceFeed {
    return startListWatch<V1PodDisruptionBudget>({
      what: "PodDisruptionBudgets",
      list: () => this.budgetList(),
      watch: this.client.watch,
      path: "/apis/policy/v1/poddisruptionbudgets",
      query: {},
      sink,
      clock: this.clock,
      normalize: (raw) => withDates(raw as V1PodDisruptionBudget),
      ...this.feedTiming(),
    });
  }

  async evictPod(pod: PodRef, options: EvictOptions): Promise<EvictionOutcome> {
    try {
      await this.client.core.createNamespacedPodEviction({
        name: pod.name,
        namespace: pod.namespace,
        body: {
          apiVersion: "policy/v1",
          kind: "Eviction",
          metadata: { name: pod.name, namespace: pod.namespace },
          deleteOptions: {
            preconditions: { uid: pod.uid },
            ...(options.gracePeriodSeconds === undefined
              ? {}
              : { gracePeriodSeconds: options.gracePeriodSeconds }),
          },
        },
      });
      return { kind: "evicted" };
    } catch (error) {
      return evictionOutcomeOfError(error);
    }
  }

  async deletePod(pod: PodRef, options: DeletePodOptions): Promise<DeleteOutcome> {
    try {
      // With a body the server ignores query parameters: grace and precondition go in the body.
      await this.client.core.deleteNamespacedPod({
        name: pod.name,
        namespace: pod.namespace,
        body: { gracePeriodSeconds: options.gracePeriodSeconds, preconditions: { uid: pod.uid } },
      });
      return "deleted";
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) return "gone";
      // 409 means gone only when the UID precondition failed; another conflict is retried.
      if (
        error instanceof ApiException &&
        Number(error.code) === 409 &&
        isUidPreconditionFailure(statusBodyOf(error.body))
      ) {
        return "gone";
      }
      throw toClusterError(`deleting pod ${pod.namespace}/${pod.name}`, error);
    }
  }

  async listVolumeAttachments(nodeName: string): Promise<VolumeAttachmentInfo[]> {
    try {
      const list = await this.client.storage.listVolumeAttachment();
      return list.items
        .filter((attachment) => attachment.spec.nodeName === nodeName)
        .map((attachment) => {
          const source = attachment.spec.source;
          const inline = source.inlineVolumeSpec;
          const inlineHandle = inline?.csi?.volumeHandle ?? inline?.awsElasticBlockStore?.volumeID;
          const detachError = attachment.status?.detachError?.message;
          return {
            name: attachment.metadata?.name ?? "",
            attached: attachment.status?.attached ?? false,
            ...(source.persistentVolumeName === undefined
              ? {}
              : { persistentVolumeName: source.persistentVolumeName }),
            ...(inlineHandle === undefined ? {} : { inlineVolumeHandle: inlineHandle }),
            ...(attachment.metadata?.deletionTimestamp === undefined ? {} : { detaching: true }),
            ...(detachError === undefined ? {} : { detachError }),
          };
        });
    } catch (error) {
      throw toClusterError(`listing volume attachments of node ${nodeName}`, error);
    }
  }

  async volumeOfClaim(namespace: string, claimName: string): Promise<string | undefined> {
    try {
      const claim = await this.client.core.readNamespacedPersistentVolumeClaim({
        name: claimName,
        namespace,
      });
      return claim.spec?.volumeName || undefined;
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) return undefined;
      throw toClusterError(`reading claim ${namespace}/${claimName}`, error);
    }
  }

  private async podList(nodeName: string) {
    try {
      const list = await this.client.core.listPodForAllNamespaces({
        fieldSelector: `spec.nodeName=${nodeName}`,
      });
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
    } catch (error) {
      throw toClusterError(`listing pods on node ${nodeName}`, error);
    }
  }

  private async budgetList() {
    try {
      const list = await this.client.policy.listPodDisruptionBudgetForAllNamespaces();
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
    } catch (error) {
      throw toClusterError("listing PodDisruptionBudgets", error);
    }
  }

  private feedTiming() {
    return {
      ...(this.options.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.options.pollIntervalMs }),
      ...(this.options.watchTimeoutSeconds === undefined
        ? {}
        : { watchTimeoutSeconds: this.options.watchTimeoutSeconds }),
    };
  }
}

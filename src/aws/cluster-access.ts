import { type Cluster, DescribeClusterCommand, type EKSClient } from "@aws-sdk/client-eks";
import type { Clock } from "../time/clock.js";
import { AwsCallError, awsErrorCode, wrapAwsError } from "./aws-error.js";
import { type CredentialSource, defaultCredentialSource } from "./credentials.js";
import { TokenMinter } from "./token-minter.js";

/** What a Kubernetes client needs to reach one cluster. */
export interface ClusterConnection {
  clusterName: string;
  /** The API server URL, `https://…`. */
  endpoint: string;
  /** Base64 of the cluster CA bundle (PEM), as in a kubeconfig's certificate-authority-data. */
  caData: string;
  /** A bearer token valid for at least another minute; call it before each request or batch of them. */
  bearerToken: () => Promise<string>;
  /** The API server refused this token (401): forget it so that `bearerToken` mints a new one. */
  bearerTokenRejected?: (token: string) => void;
}

/** Reaches a cluster by name. The Lambda builds one per warm container. */
export interface ClusterAccess {
  connect(clusterName: string): Promise<ClusterConnection>;
  /** Drops what is known of a cluster (after a TLS failure, say) so that the next connect describes it again. */
  forget(clusterName: string): void;
}

export interface EksClusterAccessOptions {
  eks: EKSClient;
  /** The region of the cluster and of the STS endpoint named in tokens. */
  region: string;
  /** Defaults to the SDK's default provider chain. */
  credentials?: CredentialSource;
  clock?: Clock;
  /** Injectable for tests; built from region, credentials and clock otherwise. */
  tokens?: TokenMinter;
}

interface ClusterEndpoint {
  endpoint: string;
  caData: string;
}

/** Retrying a describe can help while the cluster is being created or updated; not otherwise. */
const settlingStatuses = new Set(["CREATING", "UPDATING", "PENDING"]);

/**
 * EKS DescribeCluster (endpoint and CA, cached per cluster name for the life of this object; a failed
 * describe is not cached) plus tokens minted in process.
 */
export class EksClusterAccess implements ClusterAccess {
  private readonly endpoints = new Map<string, Promise<ClusterEndpoint>>();
  private readonly tokens: TokenMinter;

  constructor(private readonly options: EksClusterAccessOptions) {
    this.tokens =
      options.tokens ??
      new TokenMinter({
        region: options.region,
        credentials: options.credentials ?? defaultCredentialSource(),
        ...(options.clock ? { clock: options.clock } : {}),
      });
  }

  async connect(clusterName: string): Promise<ClusterConnection> {
    const { endpoint, caData } = await this.describe(clusterName);
    return {
      clusterName,
      endpoint,
      caData,
      bearerToken: () => this.tokens.token(clusterName),
      bearerTokenRejected: (token) => this.tokens.drop(clusterName, token),
    };
  }

  forget(clusterName: string): void {
    this.endpoints.delete(clusterName);
  }

  private describe(clusterName: string): Promise<ClusterEndpoint> {
    const known = this.endpoints.get(clusterName);
    if (known !== undefined) return known;
    const describing = this.describeNow(clusterName);
    this.endpoints.set(clusterName, describing);
    describing.catch(() => {
      if (this.endpoints.get(clusterName) === describing) this.endpoints.delete(clusterName);
    });
    return describing;
  }

  private async describeNow(clusterName: string): Promise<ClusterEndpoint> {
    const context = `describing EKS cluster ${clusterName} in ${this.options.region}`;
    let cluster: Cluster | undefined;
    try {
      ({ cluster } = await this.options.eks.send(new DescribeClusterCommand({ name: clusterName })));
    } catch (cause) {
      if (awsErrorCode(cause) === "ResourceNotFoundException") {
        throw new AwsCallError(
          `${context}: no such cluster`,
          { retryable: false, code: "ResourceNotFoundException" },
          { cause },
        );
      }
      throw wrapAwsError(context, cause);
    }
    const endpoint = cluster?.endpoint;
    const caData = cluster?.certificateAuthority?.data;
    if (!endpoint || !caData) {
      const status = cluster?.status ?? "unknown";
      throw new AwsCallError(
        `${context}: no ${endpoint ? "certificate authority" : "endpoint"} (status ${status})`,
        {
          retryable: settlingStatuses.has(status),
        },
      );
    }
    if (!endpoint.startsWith("https://")) {
      throw new AwsCallError(`${context}: endpoint ${JSON.stringify(endpoint)} is not https`, {
        retryable: false,
      });
    }
    return { endpoint, caData };
  }
}

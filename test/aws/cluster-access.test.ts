import { DescribeClusterCommand, EKSClient, EKSServiceException } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { EksClusterAccess } from "../../src/aws/cluster-access.js";
import type { AwsCredentials } from "../../src/aws/credentials.js";
import { createManualClock } from "../../src/time/manual-clock.js";

const eks = mockClient(EKSClient);
afterEach(() => eks.reset());

const credentials: AwsCredentials = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" };
const caData = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
  "base64",
);
const active = {
  cluster: {
    name: "prod",
    status: "ACTIVE" as const,
    endpoint: "https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com",
    certificateAuthority: { data: caData },
  },
};

function serviceError(name: string, status: number, message = name) {
  return new EKSServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message,
  });
}

function access() {
  const clock = createManualClock();
  return {
    clock,
    clusters: new EksClusterAccess({
      eks: new EKSClient({}),
      region: "us-west-2",
      credentials: async () => credentials,
      clock,
    }),
  };
}

describe("EksClusterAccess", () => {
  it("describes the cluster once and serves its endpoint and CA from then on", async () => {
    eks.on(DescribeClusterCommand, { name: "prod" }).resolves(active);
    const { clusters } = access();
    const [first, second] = await Promise.all([clusters.connect("prod"), clusters.connect("prod")]);
    const third = await clusters.connect("prod");
    expect(first).toMatchObject({ clusterName: "prod", endpoint: active.cluster.endpoint, caData });
    expect(second?.endpoint).toBe(first?.endpoint);
    expect(third.caData).toBe(caData);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it("does not keep a failed describe", async () => {
    eks.on(DescribeClusterCommand).rejectsOnce(serviceError("ThrottlingException", 429)).resolves(active);
    const { clusters } = access();
    await expect(clusters.connect("prod")).rejects.toMatchObject({
      name: "AwsCallError",
      retryable: true,
      code: "ThrottlingException",
      message: expect.stringContaining("describing EKS cluster prod in us-west-2"),
    });
    expect((await clusters.connect("prod")).endpoint).toBe(active.cluster.endpoint);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(2);
  });

  it("says a missing cluster is not worth retrying", async () => {
    eks
      .on(DescribeClusterCommand)
      .rejects(serviceError("ResourceNotFoundException", 404, "No cluster found for name: nope."));
    const { clusters } = access();
    await expect(clusters.connect("nope")).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/^describing EKS cluster nope in us-west-2: no such cluster/),
    });
  });

  it("says a cluster still being created has no endpoint yet, worth retrying", async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { name: "new", status: "CREATING" } });
    const { clusters } = access();
    await expect(clusters.connect("new")).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining("no endpoint (status CREATING)"),
    });
  });

  it("describes again after forget", async () => {
    eks.on(DescribeClusterCommand).resolves(active);
    const { clusters } = access();
    await clusters.connect("prod");
    clusters.forget("prod");
    await clusters.connect("prod");
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(2);
  });

  it("hands out a bearer token for the cluster, re-minted once 14 minutes old", async () => {
    eks.on(DescribeClusterCommand).resolves(active);
    const { clock, clusters } = access();
    const connection = await clusters.connect("prod");
    const first = await connection.bearerToken();
    const url = new URL(Buffer.from(first.slice("k8s-aws-v1.".length), "base64url").toString());
    expect(url.host).toBe("sts.us-west-2.amazonaws.com");
    await clock.advance(10 * 60_000);
    expect(await connection.bearerToken()).toBe(first);
    await clock.advance(4 * 60_000);
    expect(await connection.bearerToken()).not.toBe(first);
  });
});

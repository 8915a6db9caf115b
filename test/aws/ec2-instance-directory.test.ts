import { afterEach, describe, expect, it } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import type { AwsCredentials } from "../../src/aws/credentials.js";
import { ec2Endpoint } from "../../src/aws/ec2-query.js";
import { Ec2InstanceDirectory } from "../../src/aws/instance-directory.js";
import type { Clock } from "../../src/drain/clock.js";
import { describeInstancesAnswer, ec2ErrorAnswer, type FakeInstance } from "../support/ec2-answers.js";
import {
  type AwsAnswer,
  type AwsRoute,
  closedPortUrl,
  type FakeAws,
  startFakeAws,
} from "../support/fake-aws.js";
import { expectedSignature, sigV4Of } from "../support/sigv4-check.js";

// The EC2 lookup without the EC2 SDK client: SigV4-signed Query API requests to a local fake that answers
// with EC2's own XML, for answers and errors alike.

const credentials: AwsCredentials = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE01",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD+example/session+token==",
};
const instanceId = "i-0123456789abcdef0";
const running: FakeInstance = {
  instanceId,
  privateDnsName: "ip-10-0-1-23.us-west-2.compute.internal",
  availabilityZone: "us-west-2a",
  state: "running",
  tags: { "eks:cluster-name": "prod", "kubernetes.io/cluster/prod": "owned", Name: "" },
};

/** A clock at a fixed time whose pauses return at once and are recorded. */
function stillClock(): Clock & { pauses: number[] } {
  const pauses: number[] = [];
  return { pauses, now: () => Date.parse("2026-11-24T10:00:00Z"), sleep: async (ms) => void pauses.push(ms) };
}

let fake: FakeAws | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A fake EC2 that gives the answers in turn (the last one again once they run out). */
async function ec2Answering(...answers: AwsAnswer[]): Promise<FakeAws> {
  let next = 0;
  const route: AwsRoute = () => answers[Math.min(next++, answers.length - 1)];
  fake = await startFakeAws(route);
  return fake;
}

function directory(endpoint: string, clock = stillClock()) {
  return new Ec2InstanceDirectory({
    region: "us-west-2",
    credentials: async () => credentials,
    endpoint,
    clock,
    random: () => 0.5,
  });
}

describe("Ec2InstanceDirectory over the EC2 Query API", () => {
  it("reads private DNS name, zone, state, tags and launch time from a DescribeInstances answer", async () => {
    const ec2 = await ec2Answering(describeInstancesAnswer([[running]]));
    expect(await directory(ec2.url).describe(instanceId)).toEqual({
      instanceId,
      privateDnsName: "ip-10-0-1-23.us-west-2.compute.internal",
      availabilityZone: "us-west-2a",
      state: "running",
      tags: { "eks:cluster-name": "prod", "kubernetes.io/cluster/prod": "owned", Name: "" },
      launchedAt: Date.parse("2026-11-20T08:15:42.000Z"),
    });
  });

  it("sends one SigV4-signed form POST naming the action, the API version and the instance", async () => {
    const ec2 = await ec2Answering(describeInstancesAnswer([[running]]));
    await directory(ec2.url).describe(instanceId);

    expect(ec2.requests).toHaveLength(1);
    const [request] = ec2.requests;
    if (request === undefined) throw new Error("no request");
    expect(request.method).toBe("POST");
    expect(Object.fromEntries(request.form)).toEqual({
      Action: "DescribeInstances",
      Version: "2016-11-15",
      "InstanceId.1": instanceId,
    });
    const signature = sigV4Of(request);
    expect(signature).toMatchObject({
      accessKeyId: credentials.accessKeyId,
      date: "20261124",
      region: "us-west-2",
      service: "ec2",
    });
    expect(signature.signedHeaders).toEqual(
      expect.arrayContaining(["host", "x-amz-date", "x-amz-security-token"]),
    );
    expect(request.headers["x-amz-security-token"]).toBe(credentials.sessionToken);
    expect(signature.signature).toBe(expectedSignature(request, credentials.secretAccessKey));
  });

  it("keeps the empty private DNS name of a stopping instance, and reads empty tag sets and values", async () => {
    const stopping: FakeInstance = { ...running, privateDnsName: "", state: "stopping", tags: {} };
    const ec2 = await ec2Answering(describeInstancesAnswer([[stopping]]));
    expect(await directory(ec2.url).describe(instanceId)).toEqual({
      instanceId,
      privateDnsName: "",
      availabilityZone: "us-west-2a",
      state: "stopping",
      tags: {},
      launchedAt: Date.parse("2026-11-20T08:15:42.000Z"),
    });
  });

  it("picks the instance asked for among several reservations and instances", async () => {
    const other = (id: string): FakeInstance => ({
      ...running,
      instanceId: id,
      privateDnsName: `ip-${id}.internal`,
    });
    const ec2 = await ec2Answering(
      describeInstancesAnswer([[other("i-0aaaaaaaaaaaaaaa1"), other("i-0aaaaaaaaaaaaaaa2")], [running]]),
    );
    expect((await directory(ec2.url).describe(instanceId))?.privateDnsName).toBe(running.privateDnsName);
  });

  it("answers undefined when EC2 no longer knows the instance (error or empty answer), without retrying", async () => {
    const notFound = ec2ErrorAnswer(
      400,
      "InvalidInstanceID.NotFound",
      `The instance ID '${instanceId}' does not exist`,
    );
    const ec2 = await ec2Answering(notFound, describeInstancesAnswer([]));
    const lookups = directory(ec2.url);
    expect(await lookups.describe(instanceId)).toBeUndefined();
    expect(ec2.requests).toHaveLength(1);
    expect(await lookups.describe(instanceId)).toBeUndefined();
    expect(ec2.requests).toHaveLength(2);
  });

  it.each([
    [400, "InvalidInstanceID.Malformed", `Invalid id: "${instanceId}"`, false, 1],
    [401, "AuthFailure", "AWS was not able to validate the provided access credentials", false, 1],
    [403, "UnauthorizedOperation", "You are not authorized to perform this operation.", false, 1],
    [503, "RequestLimitExceeded", "Request limit exceeded.", true, 3],
    [500, "InternalError", "An internal error has occurred.", true, 3],
    [503, "Unavailable", "The server is overloaded and can't handle the request.", true, 3],
  ])(
    "reports HTTP %i %s as an AwsCallError with retryable %s after %i attempt(s)",
    async (status, code, message, retryable, attempts) => {
      const ec2 = await ec2Answering(ec2ErrorAnswer(status, code, message));
      const clock = stillClock();
      const failure = await directory(ec2.url, clock)
        .describe(instanceId)
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(AwsCallError);
      expect(failure).toMatchObject({ retryable, code, httpStatus: status });
      expect((failure as Error).message).toMatch(
        new RegExp(`^describing EC2 instance ${instanceId}.*: ${code}: `),
      );
      expect((failure as Error).message).toContain(message);
      expect(ec2.requests).toHaveLength(attempts);
      expect(clock.pauses).toHaveLength(attempts - 1);
    },
  );

  it("tries again after throttling and answers once EC2 does", async () => {
    const ec2 = await ec2Answering(
      ec2ErrorAnswer(503, "RequestLimitExceeded", "Request limit exceeded."),
      describeInstancesAnswer([[running]]),
    );
    const clock = stillClock();
    expect((await directory(ec2.url, clock).describe(instanceId))?.state).toBe("running");
    expect(ec2.requests).toHaveLength(2);
    expect(clock.pauses).toHaveLength(1);
  });

  it("classifies an answer that is not EC2's XML by its status (a proxy's 502 page is retryable)", async () => {
    const ec2 = await ec2Answering({
      status: 502,
      contentType: "text/html",
      body: "<html>Bad Gateway</html>",
    });
    await expect(directory(ec2.url).describe(instanceId)).rejects.toMatchObject({
      name: "AwsCallError",
      retryable: true,
      httpStatus: 502,
    });
  });

  it("reports a network failure as retryable", async () => {
    await expect(directory(await closedPortUrl()).describe(instanceId)).rejects.toMatchObject({
      name: "AwsCallError",
      retryable: true,
      message: expect.stringMatching(
        /^describing EC2 instance i-0123456789abcdef0 \(gave up after 3 attempts\): /,
      ),
    });
  });

  it.each([
    ["a body that is not XML", "Service Temporarily Unavailable", /not XML/],
    [
      "another action's answer",
      "<DescribeTagsResponse><tagSet/></DescribeTagsResponse>",
      /<DescribeTagsResponse>/,
    ],
    [
      "an instance without an ID",
      "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><privateDnsName/></item></instancesSet></item></reservationSet></DescribeInstancesResponse>",
      /reservationSet\.0\.instancesSet\.0\.instanceId/,
    ],
  ])("refuses %s as a non-retryable error naming what is wrong", async (_what, body, problem) => {
    const ec2 = await ec2Answering({ status: 200, contentType: "text/xml", body });
    const failure = await directory(ec2.url)
      .describe(instanceId)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "AwsCallError", retryable: false });
    expect((failure as Error).message).toMatch(problem);
    expect(ec2.requests).toHaveLength(1);
  });
});

describe("ec2Endpoint", () => {
  it.each([
    ["us-west-2", "https://ec2.us-west-2.amazonaws.com"],
    ["eu-central-1", "https://ec2.eu-central-1.amazonaws.com"],
    ["us-gov-west-1", "https://ec2.us-gov-west-1.amazonaws.com"],
    ["cn-north-1", "https://ec2.cn-north-1.amazonaws.com.cn"],
  ])("names %s's endpoint %s", (region, endpoint) => {
    expect(ec2Endpoint(region)).toBe(endpoint);
  });

  it("makes a lookup in a region that is no region fail without retrying", async () => {
    const lookups = new Ec2InstanceDirectory({ region: "Oregon", credentials: async () => credentials });
    await expect(lookups.describe(instanceId)).rejects.toMatchObject({
      name: "AwsCallError",
      retryable: false,
      message: expect.stringContaining('"Oregon" is not an AWS region name'),
    });
  });
});

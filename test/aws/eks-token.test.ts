import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AwsCallError } from "../../src/aws/aws-error.js";
import type { AwsCredentials } from "../../src/aws/credentials.js";
import { maxTokenBytes, mintEksToken, stsHost } from "../../src/aws/eks-token.js";
import { TokenMinter } from "../../src/aws/token-minter.js";
import { createManualClock } from "../../src/time/manual-clock.js";

const credentials: AwsCredentials = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE01",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD+example/session+token==",
};
const signingDate = new Date("2026-11-24T10:00:00Z");

function decode(token: string): URL {
  expect(token.startsWith("k8s-aws-v1.")).toBe(true);
  const payload = token.slice("k8s-aws-v1.".length);
  expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
  return new URL(Buffer.from(payload, "base64url").toString("utf8"));
}

/** SigV4 recomputed from the URL alone, independent of the signer that produced it. */
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const params = [...url.searchParams.entries()].filter(([key]) => key !== "X-Amz-Signature");
  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = params
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .sort()
    .join("&");
  const signedHeaders = url.searchParams.get("X-Amz-SignedHeaders") ?? "";
  const headerValues: Record<string, string> = { host: url.host, "x-k8s-aws-id": clusterName };
  const canonicalHeaders = signedHeaders
    .split(";")
    .map((name) => `${name}:${headerValues[name]}\n`)
    .join("");
  const emptyBodyHash = createHash("sha256").update("").digest("hex");
  const canonicalRequest = ["GET", "/", canonicalQuery, canonicalHeaders, signedHeaders, emptyBodyHash].join(
    "\n",
  );
  const amzDate = url.searchParams.get("X-Amz-Date") ?? "";
  const [, day = "", region = "", service = ""] = (url.searchParams.get("X-Amz-Credential") ?? "").split("/");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update(day).digest();
  for (const part of [region, service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

describe("mintEksToken", () => {
  it("presigns GetCallerIdentity on the regional STS endpoint with only the allowed parameters", async () => {
    const url = decode(
      await mintEksToken({ clusterName: "prod", region: "us-west-2", credentials, signingDate }),
    );
    expect(url.origin).toBe("https://sts.us-west-2.amazonaws.com");
    expect(url.pathname).toBe("/");
    const allowed = [
      "Action",
      "Version",
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Expires",
      "X-Amz-Security-Token",
      "X-Amz-Signature",
      "X-Amz-SignedHeaders",
    ];
    expect([...url.searchParams.keys()].sort()).toEqual([...allowed].sort());
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("Version")).toBe("2011-06-15");
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20261124T100000Z");
    expect(url.searchParams.get("X-Amz-Credential")).toBe(
      "ASIAEXAMPLEEXAMPLE01/20261124/us-west-2/sts/aws4_request",
    );
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe(credentials.sessionToken);
  });

  it("signs the cluster name as the x-k8s-aws-id header, never as a query parameter", async () => {
    const url = decode(
      await mintEksToken({ clusterName: "prod", region: "us-west-2", credentials, signingDate }),
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["host", "x-k8s-aws-id"]);
    expect([...url.searchParams.keys()].some((key) => key.toLowerCase() === "x-k8s-aws-id")).toBe(false);
  });

  it("carries a signature that verifies for this cluster name and no other", async () => {
    const url = decode(
      await mintEksToken({ clusterName: "prod", region: "eu-central-1", credentials, signingDate }),
    );
    const signature = url.searchParams.get("X-Amz-Signature");
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signature).toBe(expectedSignature(url, "prod", credentials.secretAccessKey));
    expect(signature).not.toBe(expectedSignature(url, "staging", credentials.secretAccessKey));
  });

  it("has no base64 padding and stays under 4096 bytes with a long session token", async () => {
    const long = { ...credentials, sessionToken: "A".repeat(1800) };
    for (const clusterName of ["a", "ab", "abc", "a-cluster-name-of-some-length"]) {
      const token = await mintEksToken({
        clusterName,
        region: "ap-southeast-2",
        credentials: long,
        signingDate,
      });
      expect(token).not.toContain("=");
      expect(Buffer.byteLength(token)).toBeLessThanOrEqual(maxTokenBytes);
    }
  });

  it("refuses to hand out a token the API server would refuse for its length", async () => {
    const huge = { ...credentials, sessionToken: "A".repeat(4000) };
    const minting = mintEksToken({
      clusterName: "prod",
      region: "us-west-2",
      credentials: huge,
      signingDate,
    });
    await expect(minting).rejects.toThrow(/over the API server's 4096/);
    await expect(minting).rejects.toMatchObject({ retryable: false });
  });

  it("works with long-term keys (no session token)", async () => {
    const { sessionToken: _none, ...longTerm } = credentials;
    const url = decode(
      await mintEksToken({ clusterName: "prod", region: "us-west-2", credentials: longTerm, signingDate }),
    );
    expect(url.searchParams.has("X-Amz-Security-Token")).toBe(false);
    expect(url.searchParams.get("X-Amz-Signature")).toBe(
      expectedSignature(url, "prod", credentials.secretAccessKey),
    );
  });
});

describe("stsHost", () => {
  it.each([
    ["us-east-1", "sts.us-east-1.amazonaws.com"],
    ["us-gov-west-1", "sts.us-gov-west-1.amazonaws.com"],
    ["cn-north-1", "sts.cn-north-1.amazonaws.com.cn"],
  ])("names %s's endpoint %s", (region, host) => {
    expect(stsHost(region)).toBe(host);
  });

  it.each(["", "US-EAST-1", "us-east", "evil.com/x", "us-east-1.attacker"])("refuses region %j", (region) => {
    expect(() => stsHost(region)).toThrow(AwsCallError);
  });
});

describe("TokenMinter", () => {
  function minter(source: () => Promise<AwsCredentials> = async () => credentials) {
    const clock = createManualClock(signingDate.getTime());
    let calls = 0;
    const counted = async () => {
      calls++;
      return source();
    };
    const tokens = new TokenMinter({ region: "us-west-2", credentials: counted, clock });
    return { clock, tokens, calls: () => calls };
  }
  const dateOf = (token: string) => decode(token).searchParams.get("X-Amz-Date");

  it("reuses a token for under 14 minutes and mints a new one at 14", async () => {
    const { clock, tokens } = minter();
    const first = await tokens.token("prod");
    await clock.advance(13 * 60_000 + 59_000);
    expect(await tokens.token("prod")).toBe(first);
    await clock.advance(1_000);
    const second = await tokens.token("prod");
    expect(second).not.toBe(first);
    expect(dateOf(second)).toBe("20261124T101400Z");
  });

  it("keeps one token per cluster", async () => {
    const { tokens } = minter();
    const prod = decode(await tokens.token("prod"));
    const staging = decode(await tokens.token("staging"));
    expect(prod.searchParams.get("X-Amz-Signature")).not.toBe(staging.searchParams.get("X-Amz-Signature"));
    expect(expectedSignature(staging, "staging", credentials.secretAccessKey)).toBe(
      staging.searchParams.get("X-Amz-Signature"),
    );
  });

  it("shares one signing among concurrent callers", async () => {
    const { tokens, calls } = minter();
    const all = await Promise.all([tokens.token("prod"), tokens.token("prod"), tokens.token("prod")]);
    expect(new Set(all).size).toBe(1);
    expect(calls()).toBe(1);
  });

  it("mints afresh after a refused token is dropped, once for many refusals of it", async () => {
    const { clock, tokens, calls } = minter();
    const refused = await tokens.token("prod");
    await clock.advance(2_000);
    tokens.drop("prod", refused);
    const renewed = await tokens.token("prod");
    tokens.drop("prod", refused);
    expect(await tokens.token("prod")).toBe(renewed);
    expect(renewed).not.toBe(refused);
    expect(calls()).toBe(2);
  });

  it("mints again sooner when the credentials expire first", async () => {
    const expiring = { ...credentials, expiration: new Date(signingDate.getTime() + 5 * 60_000) };
    const { clock, tokens } = minter(async () => expiring);
    const first = await tokens.token("prod");
    await clock.advance(3 * 60_000 + 59_000);
    expect(await tokens.token("prod")).toBe(first);
    await clock.advance(1_000);
    expect(await tokens.token("prod")).not.toBe(first);
  });

  it("wraps a credentials failure as retryable and does not keep it", async () => {
    let fail = true;
    const { tokens } = minter(async () => {
      if (fail)
        throw Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        });
      return credentials;
    });
    await expect(tokens.token("prod")).rejects.toMatchObject({
      name: "AwsCallError",
      retryable: true,
      message: expect.stringContaining("resolving AWS credentials to mint a token for cluster prod"),
    });
    fail = false;
    expect(decode(await tokens.token("prod")).searchParams.get("Action")).toBe("GetCallerIdentity");
  });
});

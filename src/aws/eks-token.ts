import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsCallError } from "./aws-error.js";
import type { AwsCredentials, CredentialSource } from "./credentials.js";

/**
 * The EKS bearer token, minted in process as aws-iam-authenticator and `aws eks get-token` do:
 * `k8s-aws-v1.` + base64url (no padding) of an STS GetCallerIdentity URL presigned with SigV4, whose
 * signed headers include `x-k8s-aws-id: <cluster>` (kept a header, so the cluster name cannot be swapped).
 * The API server accepts it for 15 minutes after its X-Amz-Date.
 */
export const eksTokenPrefix = "k8s-aws-v1.";
export const clusterIdHeader = "x-k8s-aws-id";
/** How long the API server accepts a token after signing. */
export const eksTokenLifetimeMs = 15 * 60_000;
/** X-Amz-Expires of the presigned URL; the server's own 15-minute window governs the token's life. */
export const presignExpiresSeconds = 60;
/** The API server refuses longer tokens. */
export const maxTokenBytes = 4096;

const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The regional STS host the token names: `sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in China). */
export function stsHost(region: string): string {
  if (!regionPattern.test(region)) {
    throw new AwsCallError(`minting an EKS token: ${JSON.stringify(region)} is not an AWS region name`, {
      retryable: false,
    });
  }
  return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

export interface MintTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentials | CredentialSource;
  /** The signing time; the token is valid for 15 minutes from it. */
  signingDate: Date;
}

/** Presigns the GetCallerIdentity request and encodes it as a bearer token. */
export async function mintEksToken(options: MintTokenOptions): Promise<string> {
  const hostname = stsHost(options.region);
  const signer = new SignatureV4({
    service: "sts",
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    uriEscapePath: true,
  });
  const request = new HttpRequest({
    method: "GET",
    protocol: "https:",
    hostname,
    path: "/",
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    headers: { host: hostname, [clusterIdHeader]: options.clusterName },
  });
  let signed: Awaited<ReturnType<SignatureV4["presign"]>>;
  try {
    signed = await signer.presign(request, {
      expiresIn: presignExpiresSeconds,
      signingDate: options.signingDate,
      unhoistableHeaders: new Set([clusterIdHeader]),
    });
  } catch (cause) {
    throw new AwsCallError(
      `minting an EKS token for cluster ${options.clusterName}: signing failed`,
      { retryable: true },
      { cause },
    );
  }
  const url = `https://${hostname}/?${encodeQuery(signed.query ?? {})}`;
  const token = eksTokenPrefix + Buffer.from(url, "utf8").toString("base64url");
  if (Buffer.byteLength(token) > maxTokenBytes) {
    throw new AwsCallError(
      `minting an EKS token for cluster ${options.clusterName}: ${Buffer.byteLength(token)} bytes, over the API server's ${maxTokenBytes}`,
      { retryable: false },
    );
  }
  return token;
}

/** RFC 3986 encoding, as SigV4 canonicalises it, so the server re-derives the same canonical query. */
function encodeQuery(query: Record<string, string | string[] | null | undefined>): string {
  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.keys(query)
    .sort()
    .flatMap((key) => {
      const value = query[key];
      const values = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
      return values.map((item) => `${encode(key)}=${encode(item)}`);
    })
    .join("&");
}

import { createHash, createHmac } from "node:crypto";
import type { AwsRequest } from "./fake-aws.js";

export interface SigV4Facts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** The parts of a request's SigV4 Authorization header; throws when it has none. */
export function sigV4Of(request: AwsRequest): SigV4Facts {
  const header = String(request.headers.authorization ?? "");
  const match = authorizationPattern.exec(header);
  if (!match) throw new Error(`not a SigV4 Authorization header: ${JSON.stringify(header)}`);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId ?? "",
    date: date ?? "",
    region: region ?? "",
    service: service ?? "",
    signedHeaders: (signedHeaders ?? "").split(";"),
    signature: signature ?? "",
  };
}

const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The signature the request should carry, recomputed from what arrived on the wire with node:crypto alone
 * (canonical request, string to sign, derived key): independent of the signer under test.
 */
export function expectedSignature(request: AwsRequest, secretAccessKey: string): string {
  const facts = sigV4Of(request);
  const url = new URL(request.url, "http://placeholder");
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .sort()
    .join("&");
  const canonicalHeaders = facts.signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(",") : String(value ?? "");
      return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
    })
    .join("");
  const payloadHash = createHash("sha256").update(request.body).digest("hex");
  const canonicalRequest = [
    request.method,
    url.pathname,
    canonicalQuery,
    canonicalHeaders,
    facts.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  const scope = `${facts.date}/${facts.region}/${facts.service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secretAccessKey}`).update(facts.date).digest();
  for (const part of [facts.region, facts.service, "aws4_request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

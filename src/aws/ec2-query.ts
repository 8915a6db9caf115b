import { Sha256 } from "@aws-crypto/sha256-js";
import { parseXML } from "@aws-sdk/xml-builder";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { type Clock, systemClock } from "../time/clock.js";
import { AwsCallError, isRetryableAwsError, wrapAwsError } from "./aws-error.js";
import type { CredentialSource } from "./credentials.js";

/**
 * The EC2 Query API without the EC2 SDK client: one SigV4-signed form POST per action
 * (`Action=…&Version=2016-11-15&…`), the XML answer parsed by the SDK's own XML parser. The drainer makes
 * one EC2 call, on a rare path; the generated client would be a third of the Lambda bundle.
 */
export const ec2ApiVersion = "2016-11-15";

const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The regional EC2 endpoint: `https://ec2.<region>.amazonaws.com` (`.amazonaws.com.cn` in China). */
export function ec2Endpoint(region: string): string {
  if (!regionPattern.test(region))
    throw new RangeError(`${JSON.stringify(region)} is not an AWS region name`);
  return region.startsWith("cn-")
    ? `https://ec2.${region}.amazonaws.com.cn`
    : `https://ec2.${region}.amazonaws.com`;
}

/**
 * An error answer of the EC2 API (`<Response><Errors><Error><Code>…`). Shaped like the SDK's service
 * exceptions (name = code, `$metadata.httpStatusCode`, `$fault`), so `aws-error.ts` reads it the same way:
 * throttling and 5xx are retryable; AuthFailure, UnauthorizedOperation and validation errors are not.
 */
export class Ec2ApiError extends Error {
  readonly code: string | undefined;
  readonly httpStatus: number;
  readonly requestId: string | undefined;
  readonly $metadata: { httpStatusCode: number; requestId?: string | undefined };
  readonly $fault: "client" | "server";

  constructor(details: {
    code: string | undefined;
    message: string;
    httpStatus: number;
    requestId?: string;
  }) {
    super(details.message);
    this.name = details.code ?? "Ec2ApiError";
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.$metadata = { httpStatusCode: details.httpStatus, requestId: details.requestId };
    this.$fault = details.httpStatus >= 500 ? "server" : "client";
  }
}

/** A 2xx answer that is not what the action returns: not retryable (the SDK does not retry these either). */
export class Ec2AnswerError extends Error {
  override readonly name = "Ec2AnswerError";
}

export interface Ec2QueryOptions {
  region: string;
  credentials: CredentialSource;
  /** Default: the regional endpoint. A local fake in tests; `AWS_ENDPOINT_URL_EC2` where one is configured. */
  endpoint?: string | undefined;
  clock?: Clock;
  /** Attempts of one call when the failure is transient (throttling, 5xx, network); default 3, as the SDK. */
  maxAttempts?: number;
  /** Each attempt's time limit, ms; default 10 s. */
  attemptTimeoutMs?: number;
  /** Jitter of the pause between attempts; defaults to Math.random. */
  random?: () => number;
}

/** Pause before retry n (1-based): full jitter over 200 ms × 2^(n−1), at most 5 s. */
const backoffBaseMs = 200;
const backoffCapMs = 5_000;

/** Signs and sends EC2 Query API actions; answers the parsed XML of `<{Action}Response>`. */
export class Ec2QueryClient {
  private readonly signer: SignatureV4;
  private readonly clock: Clock;

  constructor(private readonly options: Ec2QueryOptions) {
    this.clock = options.clock ?? systemClock;
    this.signer = new SignatureV4({
      service: "ec2",
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
    });
  }

  /**
   * Calls `action` with its query parameters (`InstanceId.1`, …); retries transient failures, then throws
   * an AwsCallError whose `retryable` tells the caller's own loop whether a later try can help.
   */
  async call(
    action: string,
    parameters: Record<string, string>,
    context: string,
  ): Promise<Record<string, unknown>> {
    const url = this.endpointUrl(context);
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 3);
    const random = this.options.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(url, action, parameters);
      } catch (cause) {
        if (attempt >= maxAttempts || !isRetryableAwsError(cause)) {
          throw wrapAwsError(attempt > 1 ? `${context} (gave up after ${attempt} attempts)` : context, cause);
        }
        await this.clock.sleep(random() * Math.min(backoffCapMs, backoffBaseMs * 2 ** (attempt - 1)));
      }
    }
  }

  private endpointUrl(context: string): URL {
    try {
      return new URL(this.options.endpoint ?? ec2Endpoint(this.options.region));
    } catch (cause) {
      throw new AwsCallError(`${context}: no EC2 endpoint`, { retryable: false }, { cause });
    }
  }

  private async attempt(
    url: URL,
    action: string,
    parameters: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    const body = new URLSearchParams({ Action: action, Version: ec2ApiVersion, ...parameters }).toString();
    const request = new HttpRequest({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      path: url.pathname,
      headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body,
    });
    const signed = await this.signer.sign(request, { signingDate: new Date(this.clock.now()) });
    // fetch derives Host from the URL, the same value that was signed.
    const { host: _host, ...headers } = signed.headers;
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw errorOf(response.status, text);
    const answer = readXml(text, `${action} answer`);
    const root = answer[`${action}Response`];
    if (root === null || typeof root !== "object") {
      throw new Ec2AnswerError(
        `the ${action} answer is <${Object.keys(answer)[0] ?? "nothing"}>, not <${action}Response>`,
      );
    }
    return root as Record<string, unknown>;
  }
}

function readXml(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseXML(text);
  } catch (cause) {
    throw new Ec2AnswerError(`the ${what} is not XML`, { cause });
  }
  if (parsed === null || typeof parsed !== "object") {
    throw new Ec2AnswerError(`the ${what} is not an XML document`);
  }
  return parsed as Record<string, unknown>;
}

/** The error of a non-2xx answer: `<Response><Errors><Error><Code>…</Code><Message>…` when EC2 wrote one. */
function errorOf(status: number, text: string): Ec2ApiError {
  let fields: { code?: string; message?: string; requestId?: string } = {};
  try {
    fields = errorFields(parseXML(text));
  } catch {
    // Not EC2's XML (a proxy's page, an empty body): the status alone classifies it.
  }
  return new Ec2ApiError({
    code: fields.code,
    message: fields.message ?? `HTTP ${status}${text.trim() === "" ? "" : `: ${text.trim().slice(0, 200)}`}`,
    httpStatus: status,
    ...(fields.requestId === undefined ? {} : { requestId: fields.requestId }),
  });
}

function errorFields(document: unknown): { code?: string; message?: string; requestId?: string } {
  const response = field(document, "Response");
  const errors = field(response, "Errors");
  const error = first(field(errors, "Error"));
  const code = field(error, "Code");
  const message = field(error, "Message");
  const requestId = field(response, "RequestID") ?? field(response, "RequestId");
  return {
    ...(typeof code === "string" && code !== "" ? { code } : {}),
    ...(typeof message === "string" && message !== "" ? { message } : {}),
    ...(typeof requestId === "string" && requestId !== "" ? { requestId } : {}),
  };
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

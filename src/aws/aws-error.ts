/**
 * A failed AWS call, wrapped with what we were doing and whether trying again later can help.
 * Retryable: throttling, server faults (5xx), network and timeout failures, expired credentials.
 * Not retryable: access denied, validation errors, missing resources, anything unrecognised.
 * The SDK has already retried the call itself (3 attempts by default): `retryable` is advice to the
 * caller's own, slower loop (an SQS redelivery, the next heartbeat).
 */
export class AwsCallError extends Error {
  override readonly name = "AwsCallError";
  readonly retryable: boolean;
  /** The AWS error code (`ThrottlingException`, `ValidationError`...), or the Node error code. */
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(
    context: string,
    details: { retryable: boolean; code?: string | undefined; httpStatus?: number | undefined },
    options?: ErrorOptions,
  ) {
    const cause = options?.cause;
    const reason =
      cause instanceof Error ? `: ${cause.name === "Error" ? "" : `${cause.name}: `}${cause.message}` : "";
    super(`${context}${reason}`, options);
    this.retryable = details.retryable;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
  }
}

const throttlingCodes = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottledException",
  "RequestThrottled",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "SlowDown",
  "EC2ThrottledException",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
]);

const transientCodes = new Set([
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "IDPCommunicationError",
  "CredentialsProviderError",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Names that say nothing about the failure; the `code` property then does. */
const genericNames = new Set(["Error", "TypeError", "RangeError", "SyntaxError"]);

interface ErrorFacts {
  name: string | undefined;
  code: string | undefined;
  fault: string | undefined;
  httpStatus: number | undefined;
  throttlingTrait: boolean;
}

function factsOf(error: unknown): ErrorFacts {
  if (error === null || typeof error !== "object") {
    return {
      name: undefined,
      code: undefined,
      fault: undefined,
      httpStatus: undefined,
      throttlingTrait: false,
    };
  }
  const record = error as Record<string, unknown>;
  const metadata = record.$metadata as Record<string, unknown> | undefined;
  const retryableTrait = record.$retryable as Record<string, unknown> | undefined;
  const status = metadata?.httpStatusCode;
  const name = typeof record.name === "string" && !genericNames.has(record.name) ? record.name : undefined;
  return {
    name,
    code:
      typeof record.Code === "string"
        ? record.Code
        : typeof record.code === "string"
          ? record.code
          : undefined,
    fault: typeof record.$fault === "string" ? record.$fault : undefined,
    httpStatus: typeof status === "number" ? status : undefined,
    throttlingTrait: retryableTrait?.throttling === true,
  };
}

/** Whether trying the call again later can succeed. */
export function isRetryableAwsError(error: unknown): boolean {
  if (error instanceof AwsCallError) return error.retryable;
  const facts = factsOf(error);
  const codes = [facts.name, facts.code].filter((code): code is string => code !== undefined);
  if (codes.some((code) => throttlingCodes.has(code) || transientCodes.has(code))) return true;
  if (facts.throttlingTrait) return true;
  if (facts.httpStatus !== undefined) return facts.httpStatus === 429 || facts.httpStatus >= 500;
  if (facts.fault === "server") return true;
  // No HTTP response at all: the request never completed (fetch failed, socket closed, aborted by a timeout).
  return error instanceof TypeError && /fetch failed|socket|network/i.test(error.message);
}

/** Wraps any failure of an AWS call with context, keeping it as the cause. Already-wrapped errors pass through. */
export function wrapAwsError(context: string, error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const facts = factsOf(error);
  return new AwsCallError(
    context,
    { retryable: isRetryableAwsError(error), code: facts.name ?? facts.code, httpStatus: facts.httpStatus },
    { cause: error },
  );
}

/** The AWS error code of a failure (`ValidationError`, `ResourceNotFoundException`...), if any. */
export function awsErrorCode(error: unknown): string | undefined {
  const facts = factsOf(error);
  return facts.name ?? facts.code;
}

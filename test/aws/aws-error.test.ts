import { describe, expect, it } from "vitest";
import { AwsCallError, isRetryableAwsError, wrapAwsError } from "../../src/aws/aws-error.js";

function sdkError(name: string, status: number | undefined, fault: "client" | "server" = "client") {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: fault,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });
}

function nodeError(code: string) {
  return Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });
}

describe("isRetryableAwsError", () => {
  it.each([
    ["throttling by name", sdkError("ThrottlingException", 400), true],
    ["EC2 request limit", sdkError("RequestLimitExceeded", 503), true],
    ["a 429 without a known name", sdkError("SomethingNew", 429), true],
    ["a 500", sdkError("InternalFailure", 500, "server"), true],
    ["a 503", sdkError("Unknown", 503, "server"), true],
    ["a server fault without status", sdkError("Unknown", undefined, "server"), true],
    ["expired credentials", sdkError("ExpiredTokenException", 400), true],
    [
      "the SDK's throttling trait",
      Object.assign(sdkError("X", 400), { $retryable: { throttling: true } }),
      true,
    ],
    ["a reset connection", nodeError("ECONNRESET"), true],
    ["a DNS hiccup", nodeError("EAI_AGAIN"), true],
    ["fetch failed", new TypeError("fetch failed"), true],
    ["a timeout", sdkError("TimeoutError", undefined), true],
    ["access denied", sdkError("AccessDenied", 403), false],
    ["access denied (exception)", sdkError("AccessDeniedException", 403), false],
    ["EC2 unauthorised", sdkError("UnauthorizedOperation", 403), false],
    ["a validation error", sdkError("ValidationError", 400), false],
    ["a missing resource", sdkError("ResourceNotFoundException", 404), false],
    ["a programming error", new TypeError("cannot read properties of undefined"), false],
    ["a string", "boom", false],
    ["null", null, false],
    ["an AwsCallError saying retryable", new AwsCallError("x", { retryable: true }), true],
    ["an AwsCallError saying not", new AwsCallError("x", { retryable: false }), false],
  ])("%s → %s", (_label, error, retryable) => {
    expect(isRetryableAwsError(error)).toBe(retryable);
  });
});

describe("wrapAwsError", () => {
  it("says what was being done, keeps the cause and its code", () => {
    const cause = sdkError("AccessDeniedException", 403);
    const wrapped = wrapAwsError("describing EKS cluster prod", cause);
    expect(wrapped).toBeInstanceOf(AwsCallError);
    expect(wrapped.message).toBe(
      "describing EKS cluster prod: AccessDeniedException: AccessDeniedException happened",
    );
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.code).toBe("AccessDeniedException");
    expect(wrapped.httpStatus).toBe(403);
    expect(wrapped.retryable).toBe(false);
  });

  it("names a network failure by its code", () => {
    const wrapped = wrapAwsError("describing EC2 instance i-0123456789abcdef0", nodeError("ETIMEDOUT"));
    expect(wrapped.code).toBe("ETIMEDOUT");
    expect(wrapped.retryable).toBe(true);
    expect(wrapped.message).toBe(
      "describing EC2 instance i-0123456789abcdef0: connect ETIMEDOUT 10.0.0.1:443",
    );
  });

  it("passes an already wrapped error through", () => {
    const inner = new AwsCallError("completing", { retryable: true });
    expect(wrapAwsError("outer", inner)).toBe(inner);
  });
});

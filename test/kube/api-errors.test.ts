import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ClusterError } from "../../src/drain/cluster-port.js";
import { toClusterError } from "../../src/kube/api-errors.js";

describe("toClusterError", () => {
  it.each([
    [404, "not-found", false],
    [409, "conflict", true],
    [401, "unauthorized", false],
    [403, "forbidden", false],
    [422, "invalid", false],
    [429, "throttled", true],
    [500, "server-error", true],
    [503, "server-error", true],
    [504, "timeout", true],
  ])("HTTP %d → %s (retryable %s)", (code, kind, retryable) => {
    const body = JSON.stringify({ kind: "Status", code, message: "something", reason: "Reason" });
    const error = toClusterError("listing pods on node n1", new ApiException(code, "x", body, {}));
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ kind, retryable, status: code });
    expect(error.message).toBe(`listing pods on node n1: ${code} Reason something`);
  });

  it("keeps Retry-After", () => {
    const error = toClusterError("x", new ApiException(429, "x", "{}", { "retry-after": "7" }));
    expect(error.retryAfterMs).toBe(7_000);
  });

  it("says a network failure is retryable and why it happened", () => {
    const error = toClusterError(
      "patching node n1",
      new TypeError("fetch failed", { cause: new Error("socket hang up") }),
    );
    expect(error).toMatchObject({ kind: "network", retryable: true });
    expect(error.message).toBe("patching node n1: network failure: fetch failed (socket hang up)");
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("says a timeout is retryable", () => {
    const error = toClusterError("reading node n1", new DOMException("timed out", "TimeoutError"));
    expect(error).toMatchObject({
      kind: "timeout",
      retryable: true,
      message: "reading node n1: request timed out",
    });
  });

  it("does not call an unknown error retryable", () => {
    expect(toClusterError("x", new RangeError("bad"))).toMatchObject({ kind: "unknown", retryable: false });
  });
});

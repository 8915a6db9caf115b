import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { StatusBody } from "../../src/kube/api-errors.js";
import { evictionOutcome, evictionOutcomeOfError } from "../../src/kube/eviction-response.js";

const status = (code: number, extra: Partial<StatusBody> = {}): StatusBody => ({
  kind: "Status",
  status: code < 300 ? "Success" : "Failure",
  code,
  message: `answer ${code}`,
  ...extra,
});

const budgetRefusal = status(429, {
  reason: "TooManyRequests",
  message: "Cannot evict pod as it would violate the pod's disruption budget.",
  details: {
    causes: [
      {
        reason: "DisruptionBudget",
        message: "The disruption budget web needs 2 healthy pods and has 2 currently",
      },
    ],
  },
});

describe("evictionOutcome: every row of the table", () => {
  it.each<[string, number, StatusBody, Record<string, string>, unknown]>([
    ["201 accepted", 201, status(201), {}, { kind: "evicted" }],
    ["200 accepted", 200, status(200), {}, { kind: "evicted" }],
    ["404 pod gone", 404, status(404, { reason: "NotFound" }), {}, { kind: "gone", reason: "not-found" }],
    [
      "409 UID precondition failed (eviction registry)",
      409,
      status(409, {
        reason: "Conflict",
        message:
          'Operation cannot be fulfilled on Pod "web-1": the UID in the precondition (a) does not match the UID in record (b). The object might have been deleted and then recreated',
      }),
      {},
      { kind: "gone", reason: "uid-changed" },
    ],
    [
      "409 UID precondition failed (storage)",
      409,
      status(409, {
        reason: "Conflict",
        message: "Precondition failed: UID in precondition: a, UID in object meta: b",
      }),
      {},
      { kind: "gone", reason: "uid-changed" },
    ],
    [
      "409 another conflict: retried",
      409,
      status(409, {
        reason: "Conflict",
        message:
          'Operation cannot be fulfilled on poddisruptionbudgets.policy "web": the object has been modified; please apply your changes to the latest version and try again',
      }),
      {},
      {
        kind: "retry",
        cause: "conflict",
        message:
          '409 Operation cannot be fulfilled on poddisruptionbudgets.policy "web": the object has been modified; please apply your changes to the latest version and try again',
      },
    ],
    [
      "429 budget",
      429,
      budgetRefusal,
      {},
      {
        kind: "blocked",
        cause: "budget",
        budget: "web",
        message: "The disruption budget web needs 2 healthy pods and has 2 currently",
      },
    ],
    [
      "429 budget still being processed, with retryAfterSeconds",
      429,
      status(429, {
        message: "Cannot evict pod as it would violate the pod's disruption budget.",
        details: {
          retryAfterSeconds: 10,
          causes: [
            {
              type: "DisruptionBudget",
              message: "The disruption budget web is still being processed by the server.",
            },
          ],
        },
      }),
      {},
      { kind: "blocked", cause: "budget", retryAfterMs: 10_000 },
    ],
    [
      "429 throttling with Retry-After",
      429,
      status(429, { reason: "TooManyRequests", message: "Too many requests, please try again later." }),
      { "retry-after": "3" },
      { kind: "retry", cause: "throttled", retryAfterMs: 3_000 },
    ],
    [
      "429 throttling without Retry-After",
      429,
      status(429, { reason: "TooManyRequests" }),
      {},
      { kind: "retry", cause: "throttled" },
    ],
    [
      "500 two budgets",
      500,
      status(500, {
        message:
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      }),
      {},
      { kind: "blocked", cause: "multiple-budgets" },
    ],
    [
      "403 namespace terminating",
      403,
      status(403, {
        reason: "Forbidden",
        message:
          'pods "web-1" is forbidden: unable to create new content in namespace shop because it is being terminated',
        details: {
          causes: [{ type: "NamespaceTerminating", message: "namespace shop is being terminated" }],
        },
      }),
      {},
      { kind: "blocked", cause: "namespace-terminating" },
    ],
    [
      "403 budget the controller has not caught up with",
      403,
      status(403, {
        reason: "Forbidden",
        message: "pdb disruptions allowed is negative",
        details: { name: "web" },
      }),
      {},
      { kind: "blocked", cause: "budget", budget: "web" },
    ],
    [
      "500 other",
      500,
      status(500, { message: "etcdserver: leader changed" }),
      {},
      { kind: "retry", cause: "server-error" },
    ],
    ["503", 503, status(503), {}, { kind: "retry", cause: "server-error" }],
    ["403 RBAC", 403, status(403, { reason: "Forbidden" }), {}, { kind: "fatal", status: 403 }],
    ["401", 401, status(401, { reason: "Unauthorized" }), {}, { kind: "fatal", status: 401 }],
    ["400 name mismatch", 400, status(400, { reason: "BadRequest" }), {}, { kind: "fatal", status: 400 }],
    ["422", 422, status(422, { reason: "Invalid" }), {}, { kind: "fatal", status: 422 }],
  ])("%s", (_, code, body, headers, expected) => {
    expect(evictionOutcome(code, body, headers)).toMatchObject(expected as object);
  });
});

describe("evictionOutcomeOfError", () => {
  it("reads the JSON-string body client-node puts in an ApiException", () => {
    const error = new ApiException(429, "Too Many Requests", JSON.stringify(budgetRefusal), {});
    expect(evictionOutcomeOfError(error)).toMatchObject({ kind: "blocked", cause: "budget", budget: "web" });
  });

  it("takes a network failure (TypeError: fetch failed) as retryable", () => {
    const error = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:6443") });
    expect(evictionOutcomeOfError(error)).toEqual({
      kind: "retry",
      cause: "network",
      message: "network failure: connect ECONNREFUSED 127.0.0.1:6443",
    });
  });

  it("takes a timeout as retryable", () => {
    const error = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(evictionOutcomeOfError(error)).toMatchObject({ kind: "retry", cause: "network" });
  });
});

import { ApiException } from "@kubernetes/client-node";
import type { EvictionOutcome } from "../drain/cluster-port.js";
import { isNetworkError, isTimeout, retryAfterMs, type StatusBody, statusBodyOf } from "./api-errors.js";

const MULTIPLE_BUDGETS = /more than one PodDisruptionBudget/i;
const BUDGET_NAME = /disruption budget (\S+?) needs/i;
/**
 * The API server's words for a failed UID precondition: the registry's BeforeDelete ("the UID in the
 * precondition (…) does not match the UID in record (…)",
 * https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go)
 * and the storage layer's Preconditions.Check ("Precondition failed: UID in precondition: …",
 * https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/storage/interfaces.go).
 * Any other 409 (a budget or pod update that lost a race inside the eviction) is worth retrying.
 */
const UID_PRECONDITION = /UID in (the )?precondition/i;

/** True when a 409 answer says the pod's UID precondition failed: the pod the request named is gone. */
export function isUidPreconditionFailure(body: StatusBody): boolean {
  const texts = [body.message ?? "", ...(body.details?.causes ?? []).map((cause) => cause.message ?? "")];
  return texts.some((text) => UID_PRECONDITION.test(text));
}

/**
 * The one place that decides what an answer to POST pods/eviction means:
 * - 200/201 → evicted;
 * - 404 → gone (no such pod); 409 with the UID precondition failure → gone (another pod holds the name);
 *   any other 409 → retry;
 * - 429 with a DisruptionBudget cause → blocked by that budget; 429 without → API throttling, retry;
 * - 500 "more than one PodDisruptionBudget" → blocked for good (a human must fix the budgets);
 * - 403 NamespaceTerminating → blocked: the namespace's deletion removes the pod;
 * - 403 from a budget the controller has not caught up with → blocked by the budget, retry;
 * - other 5xx → retry; anything else → fatal.
 */
export function evictionOutcome(
  code: number,
  body: StatusBody,
  headers: Record<string, string> = {},
): EvictionOutcome {
  const message = body.message ?? `HTTP ${code}`;
  const causes = body.details?.causes ?? [];
  const hasCause = (name: string) => causes.some((cause) => cause.reason === name || cause.type === name);
  if (code === 200 || code === 201) return { kind: "evicted" };
  if (code === 404) return { kind: "gone", reason: "not-found" };
  if (code === 409) {
    if (isUidPreconditionFailure(body)) return { kind: "gone", reason: "uid-changed" };
    return { kind: "retry", cause: "conflict", message: `409 ${message}` };
  }
  if (code === 429) {
    const after = retryAfterMs(headers, body);
    if (hasCause("DisruptionBudget")) {
      const causeMessage = causes.find(
        (cause) => cause.reason === "DisruptionBudget" || cause.type === "DisruptionBudget",
      )?.message;
      const text = causeMessage ?? message;
      const budget = BUDGET_NAME.exec(text)?.[1] ?? body.details?.name;
      return {
        kind: "blocked",
        cause: "budget",
        message: text,
        ...(budget === undefined ? {} : { budget }),
        ...(after === undefined ? {} : { retryAfterMs: after }),
      };
    }
    return {
      kind: "retry",
      cause: "throttled",
      message,
      ...(after === undefined ? {} : { retryAfterMs: after }),
    };
  }
  if (code === 500 && MULTIPLE_BUDGETS.test(message))
    return { kind: "blocked", cause: "multiple-budgets", message };
  if (code === 403 && (hasCause("NamespaceTerminating") || body.reason === "NamespaceTerminating")) {
    return { kind: "blocked", cause: "namespace-terminating", message };
  }
  if (code === 403 && (hasCause("DisruptionBudget") || /disrupt/i.test(message))) {
    return { kind: "blocked", cause: "budget", message, ...budgetFrom(body) };
  }
  if (code >= 500) return { kind: "retry", cause: "server-error", message: `${code} ${message}` };
  return { kind: "fatal", status: code, message: `${code} ${message}` };
}

function budgetFrom(body: StatusBody): { budget?: string } {
  const name = body.details?.name;
  return name === undefined ? {} : { budget: name };
}

/** The outcome of an eviction call that threw: an answered error or no answer at all. */
export function evictionOutcomeOfError(error: unknown): EvictionOutcome {
  if (error instanceof ApiException) {
    return evictionOutcome(Number(error.code), statusBodyOf(error.body), error.headers);
  }
  if (isTimeout(error)) return { kind: "retry", cause: "network", message: "eviction request timed out" };
  if (isNetworkError(error)) {
    const reason = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return { kind: "retry", cause: "network", message: `network failure${reason}` };
  }
  return { kind: "fatal", message: error instanceof Error ? error.message : String(error) };
}

import { ApiException } from "@kubernetes/client-node";
import { ClusterError, type ClusterErrorKind } from "../drain/cluster-port.js";

/** The parts of a Kubernetes `Status` body the adapter reads. */
export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    retryAfterSeconds?: number;
    causes?: Array<{ reason?: string; type?: string; message?: string; field?: string }>;
  };
}

/** Parses an ApiException body (client-node gives the raw text for error answers) into a Status. */
export function statusBodyOf(body: unknown): StatusBody {
  if (typeof body === "string") {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === "object" && parsed !== null ? (parsed as StatusBody) : { message: body };
    } catch {
      return { message: body };
    }
  }
  return typeof body === "object" && body !== null ? (body as StatusBody) : {};
}

/** Milliseconds from a Retry-After header (seconds) or a Status' details.retryAfterSeconds. */
export function retryAfterMs(
  headers: Record<string, string> | undefined,
  status: StatusBody,
): number | undefined {
  const header = headers?.["retry-after"] ?? headers?.["Retry-After"];
  const seconds = header !== undefined ? Number(header) : status.details?.retryAfterSeconds;
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export function kindOfStatus(code: number): ClusterErrorKind {
  if (code === 404) return "not-found";
  if (code === 409) return "conflict";
  if (code === 401) return "unauthorized";
  if (code === 403) return "forbidden";
  if (code === 400 || code === 422 || code === 405 || code === 415) return "invalid";
  if (code === 429) return "throttled";
  if (code === 504 || code === 408) return "timeout";
  if (code >= 500) return "server-error";
  return "unknown";
}

/** True for the errors of a request that never got an answer: connection refused or reset, TLS, DNS. */
export function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /fetch failed|terminated|socket|ECONN|other side closed/i.test(error.message)
  );
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * Turns whatever a client-node call threw into a ClusterError saying whether to retry, with `what`
 * (e.g. "listing pods on node X") as context.
 */
export function toClusterError(what: string, error: unknown): ClusterError {
  if (error instanceof ClusterError) return error;
  if (error instanceof ApiException) {
    const code = Number(error.code);
    const status = statusBodyOf(error.body);
    const after = retryAfterMs(error.headers, status);
    return new ClusterError(
      `${what}: ${code} ${status.reason ?? ""} ${status.message ?? ""}`.replace(/\s+/g, " ").trim(),
      {
        kind: kindOfStatus(code),
        status: code,
        ...(after === undefined ? {} : { retryAfterMs: after }),
        cause: error,
      },
    );
  }
  if (isTimeout(error))
    return new ClusterError(`${what}: request timed out`, { kind: "timeout", cause: error });
  if (isNetworkError(error)) {
    const reason = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return new ClusterError(`${what}: network failure: ${(error as Error).message}${reason}`, {
      kind: "network",
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ClusterError(`${what}: ${message}`, { kind: "unknown", cause: error });
}

import type { Watch } from "@kubernetes/client-node";
import { backoffDelay } from "../drain/backoff.js";
import type { Clock } from "../drain/clock.js";
import { ClusterError, type FeedSink, type ResourceFeed } from "../drain/cluster-port.js";
import { kindOfStatus, toClusterError } from "./api-errors.js";

export interface Listed<T> {
  items: T[];
  resourceVersion: string;
}

export interface ListWatchOptions<T> {
  /** What is watched, for messages ("pods on node X"). */
  what: string;
  list: () => Promise<Listed<T>>;
  watch: Pick<Watch, "watch">;
  /** API path of the collection, e.g. /api/v1/pods. */
  path: string;
  query: Record<string, string>;
  sink: FeedSink<T>;
  clock: Clock;
  /** Turns a raw watch object into the typed form the lists return. */
  normalize: (raw: unknown) => T;
  /** Interval of the poll that replaces the watch when watching is refused, ms. */
  pollIntervalMs?: number;
  /** The server closes each watch after this long (a fresh one follows from the last version), s. */
  watchTimeoutSeconds?: number;
  random?: () => number;
}

type WatchEnd = { kind: "closed" } | { kind: "expired" } | { kind: "failed"; error: ClusterError };

const BACKOFF = { initialMs: 200, maxMs: 10_000 };
/** Failed watch attempts in a row before the feed lists again, in case events were lost meanwhile. */
const RELIST_AFTER_FAILURES = 3;

/**
 * A list followed by a watch from the list's resourceVersion, like client-go's reflector: the watch
 * resumes from the last version seen when its stream ends, re-lists on an expired version (410) or after
 * repeated failures, and falls back to polling the list when the server refuses watches.
 */
export function startListWatch<T extends { metadata?: { resourceVersion?: string } }>(
  options: ListWatchOptions<T>,
): ResourceFeed {
  let closed = false;
  let abortWatch: AbortController | undefined;
  const wake = new AbortController();
  const random = options.random ?? Math.random;
  const pause = (ms: number) => options.clock.sleep(ms, wake.signal).catch(() => undefined);

  const run = async () => {
    let failures = 0;
    let polling = false;
    let relistedForCredential = false;
    while (!closed) {
      let version: string;
      try {
        const listed = await options.list();
        if (closed) return;
        options.sink.replace(listed.items);
        version = listed.resourceVersion;
        failures = 0;
      } catch (error) {
        const problem = toClusterError(`listing ${options.what}`, error);
        if (!problem.retryable) {
          options.sink.fail(problem);
          return;
        }
        options.sink.problem?.(problem);
        await pause(problem.retryAfterMs ?? backoffDelay(failures, BACKOFF, random));
        failures += 1;
        continue;
      }
      if (polling) {
        await pause(options.pollIntervalMs ?? 1_000);
        continue;
      }
      let watchFailures = 0;
      while (!closed) {
        const started = options.clock.now();
        const end = await watchOnce(version, (seen) => {
          version = seen;
        });
        if (closed || end.kind === "expired") break;
        const lasted = options.clock.now() - started >= 1_000;
        if (end.kind === "closed" && lasted) relistedForCredential = false;
        // client-node gives up on a stream quiet for 30 s: like a stream the server ended, resume it.
        const quiet = end.kind === "failed" && end.error.kind === "timeout" && lasted;
        if (end.kind === "closed" || quiet) {
          // Resume from the last version. A stream that ends at once, again and again, counts as a
          // failure so that it cannot become a busy loop.
          if (lasted) {
            watchFailures = 0;
            continue;
          }
          watchFailures += 1;
          await pause(backoffDelay(watchFailures - 1, BACKOFF, random));
          if (watchFailures >= RELIST_AFTER_FAILURES) break;
          continue;
        }
        options.sink.problem?.(end.error);
        if (end.error.kind === "unauthorized" && !relistedForCredential) {
          // A refused token: the list that follows renews it (CredentialRenewingHttpLibrary), then the
          // watch starts again with the fresh one. A second refusal in a row falls back to polling.
          relistedForCredential = true;
          break;
        }
        if (!end.error.retryable) {
          // Listing works but watching is refused: keep the feed alive by polling.
          polling = true;
          break;
        }
        watchFailures += 1;
        await pause(backoffDelay(watchFailures - 1, BACKOFF, random));
        if (watchFailures >= RELIST_AFTER_FAILURES) break;
      }
    }
  };

  const watchOnce = (from: string, onVersion: (version: string) => void): Promise<WatchEnd> =>
    new Promise<WatchEnd>((resolve) => {
      let end: WatchEnd = { kind: "closed" };
      const query = {
        ...options.query,
        resourceVersion: from,
        allowWatchBookmarks: "true",
        timeoutSeconds: String(options.watchTimeoutSeconds ?? 300),
      };
      options.watch
        .watch(
          options.path,
          query,
          (type, object: unknown) => {
            if (closed) return;
            if (type === "ERROR") {
              const code = (object as { code?: number } | undefined)?.code;
              end =
                code === 410
                  ? { kind: "expired" }
                  : { kind: "failed", error: statusError(options.what, object) };
              abortWatch?.abort();
              return;
            }
            const typed = options.normalize(object);
            const seen = typed.metadata?.resourceVersion;
            if (seen !== undefined) onVersion(seen);
            if (type === "ADDED" || type === "MODIFIED") options.sink.upsert(typed);
            else if (type === "DELETED") options.sink.remove(typed);
          },
          (error: unknown) => {
            abortWatch = undefined;
            if (end.kind !== "closed" || error === null || error === undefined || closed) {
              resolve(end);
              return;
            }
            resolve({ kind: "failed", error: watchError(options.what, error) });
          },
        )
        .then((controller) => {
          abortWatch = controller;
          if (closed) controller.abort();
        })
        .catch((error: unknown) => resolve({ kind: "failed", error: watchError(options.what, error) }));
    });

  void run();
  return {
    close: () => {
      closed = true;
      wake.abort();
      abortWatch?.abort();
    },
  };
}

/** A watch ERROR event carries a Status. */
function statusError(what: string, object: unknown): ClusterError {
  const status = (object ?? {}) as { code?: number; message?: string; reason?: string };
  const code = status.code ?? 500;
  return new ClusterError(`watching ${what}: ${code} ${status.reason ?? ""} ${status.message ?? ""}`.trim(), {
    kind: kindOfStatus(code),
    status: code,
  });
}

/**
 * client-node reports a watch the server refused as an Error with statusCode; anything else ended the
 * stream (timeout, reset) and is worth retrying.
 */
function watchError(what: string, error: unknown): ClusterError {
  const statusCode = (error as { statusCode?: number } | undefined)?.statusCode;
  if (typeof statusCode === "number") {
    return new ClusterError(`watching ${what}: refused with HTTP ${statusCode}`, {
      kind: kindOfStatus(statusCode),
      status: statusCode,
      cause: error,
    });
  }
  const converted = toClusterError(`watching ${what}`, error);
  if (converted.kind !== "unknown") return converted;
  return new ClusterError(converted.message, { kind: "network", cause: error });
}

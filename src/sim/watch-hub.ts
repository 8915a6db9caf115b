import type { ServerResponse } from "node:http";
import type { LabelRequirement } from "../labels/label-selector.js";
import { matchesRequirements } from "../labels/label-selector.js";
import { statusBody } from "./api-status.js";
import type { FieldRequirement } from "./field-selector.js";
import { matchesFields } from "./field-selector.js";
import type { KubeObject } from "./kube-objects.js";
import type { ObjectStore, StoreChange } from "./object-store.js";
import { apiVersionOf, type ResourceType } from "./resource-types.js";

export interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly labels: readonly LabelRequirement[];
  readonly fields: readonly FieldRequirement[];
  /** Resume after this version; undefined (or 0) starts with the current objects as ADDED events. */
  readonly resourceVersion?: number;
  /** Real milliseconds until the server ends the stream cleanly. */
  readonly timeoutMs: number;
  readonly bookmarks: boolean;
  /** Real milliseconds until the stream is cut abruptly (the dropped-watch fault). */
  readonly dropAfterMs?: number;
}

interface Watcher {
  readonly request: WatchRequest;
  readonly response: ServerResponse;
  readonly close: (abrupt: boolean) => void;
}

/** How often a watch that asked for bookmarks gets one, in real milliseconds. */
export const bookmarkIntervalMs = 60_000;

/**
 * Open watch streams: each gets its backlog (current objects or the history after its resourceVersion),
 * then every matching change as one JSON line, until its timeout, a drop, or the client leaves.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly store: ObjectStore) {
    store.subscribe((change) => {
      for (const watcher of this.watchers) this.deliver(watcher, change);
    });
  }

  get open(): number {
    return this.watchers.size;
  }

  /** Starts streaming to `response`; the head has not been written yet. */
  start(request: WatchRequest, response: ServerResponse): void {
    response.writeHead(200, {
      "Content-Type": "application/json",
      "Cache-Control": "no-cache, private",
      "X-Content-Type-Options": "nosniff",
    });
    response.flushHeaders();
    const timers: NodeJS.Timeout[] = [];
    const watcher: Watcher = {
      request,
      response,
      close: (abrupt) => {
        if (!this.watchers.delete(watcher)) return;
        for (const timer of timers) clearTimeout(timer);
        if (abrupt) response.destroy();
        else response.end();
      },
    };

    const from = request.resourceVersion;
    if (from !== undefined && from > 0) {
      const history = this.store.changesSince(from);
      if ("expiredBefore" in history) {
        const expired = statusBody(
          410,
          `too old resource version: ${from} (${history.expiredBefore})`,
          "Expired",
        );
        response.end(`{"type":"ERROR","object":${JSON.stringify(expired)}}\n`);
        return;
      }
      this.watchers.add(watcher);
      for (const change of history.changes) this.deliver(watcher, change);
    } else {
      this.watchers.add(watcher);
      for (const stored of this.store.list(request.type, request.namespace)) {
        if (this.matches(request, stored.object))
          response.write(`{"type":"ADDED","object":${stored.json()}}\n`);
      }
    }

    response.on("close", () => watcher.close(false));
    timers.push(setTimeout(() => watcher.close(false), request.timeoutMs));
    if (request.dropAfterMs !== undefined)
      timers.push(setTimeout(() => watcher.close(true), request.dropAfterMs));
    if (request.bookmarks) {
      const interval = setInterval(() => this.bookmark(watcher), bookmarkIntervalMs);
      timers.push(interval);
    }
    for (const timer of timers) timer.unref();
  }

  /** Cuts every open stream abruptly; returns how many. */
  dropAll(): number {
    const count = this.watchers.size;
    for (const watcher of [...this.watchers]) watcher.close(true);
    return count;
  }

  /** Ends every open stream cleanly. */
  closeAll(): void {
    for (const watcher of [...this.watchers]) watcher.close(false);
  }

  private bookmark(watcher: Watcher): void {
    const { type } = watcher.request;
    if (watcher.response.writableEnded || watcher.response.destroyed) return;
    const object = {
      kind: type.kind,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: String(this.store.resourceVersion) },
    };
    watcher.response.write(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
  }

  private matches(request: WatchRequest, object: KubeObject): boolean {
    if (request.namespace && object.metadata.namespace !== request.namespace) return false;
    return (
      matchesRequirements(request.labels, object.metadata.labels) && matchesFields(request.fields, object)
    );
  }

  private deliver(watcher: Watcher, change: StoreChange): void {
    const { request, response } = watcher;
    if (change.current.type !== request.type || response.writableEnded || response.destroyed) return;
    const now = change.type !== "DELETED" && this.matches(request, change.current.object);
    const before = change.previous !== undefined && this.matches(request, change.previous.object);
    if (change.type === "DELETED") {
      if (before) response.write(change.line());
      return;
    }
    if (now && (before || change.type === "ADDED")) response.write(change.line());
    else if (now) response.write(`{"type":"ADDED","object":${change.current.json()}}\n`);
    else if (before) response.write(`{"type":"DELETED","object":${change.current.json()}}\n`);
  }
}

import type { V1Pod } from "@kubernetes/client-node";
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { ClusterError, FeedSink } from "../../src/drain/cluster-port.js";
import { type Listed, startListWatch } from "../../src/kube/list-watch.js";
import { FakeClock } from "../drain/support/fake-clock.js";

type WatchCallback = (type: string, object: unknown) => void;
type WatchDone = (error: unknown) => void;

/** A scripted stand-in for client-node's Watch: each call runs the next script. */
class ScriptedWatch {
  readonly calls: Array<Record<string, unknown>> = [];
  constructor(private readonly scripts: Array<(callback: WatchCallback, done: WatchDone) => void>) {}

  async watch(_path: string, query: Record<string, unknown>, callback: WatchCallback, done: WatchDone) {
    this.calls.push(query);
    const script = this.scripts.shift();
    const controller = new AbortController();
    if (script === undefined) {
      controller.signal.addEventListener("abort", () => done(null));
    } else {
      queueMicrotask(() => script(callback, done));
    }
    return controller;
  }
}

function pod(name: string, resourceVersion: string): V1Pod {
  return { metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion } };
}

function recordingSink() {
  const log: string[] = [];
  let failure: ClusterError | undefined;
  const sink: FeedSink<V1Pod> = {
    replace: (items) => log.push(`replace ${items.map((item) => item.metadata?.name).join(",")}`),
    upsert: (item) => log.push(`upsert ${item.metadata?.name}`),
    remove: (item) => log.push(`remove ${item.metadata?.name}`),
    fail: (error) => {
      failure = error;
    },
  };
  return { log, sink, failure: () => failure };
}

function listing(...lists: Array<Listed<V1Pod> | Error>) {
  let calls = 0;
  return {
    calls: () => calls,
    list: async () => {
      const next = lists[Math.min(calls, lists.length - 1)];
      calls += 1;
      if (next instanceof Error) throw next;
      return next as Listed<V1Pod>;
    },
  };
}

const settle = (clock: FakeClock, ms: number) => clock.sleep(ms);

describe("startListWatch", () => {
  it("lists, then applies watch events from the list's resourceVersion", async () => {
    const clock = new FakeClock();
    const { log, sink } = recordingSink();
    const watch = new ScriptedWatch([
      (callback) => {
        callback("ADDED", pod("b", "11"));
        callback("DELETED", pod("a", "12"));
      },
    ]);
    const lists = listing({ items: [pod("a", "9")], resourceVersion: "10" });
    const feed = startListWatch({
      what: "pods",
      list: lists.list,
      watch,
      path: "/api/v1/pods",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
    });

    await settle(clock, 100);
    feed.close();

    expect(log).toEqual(["replace a", "upsert b", "remove a"]);
    expect(watch.calls[0]).toMatchObject({ resourceVersion: "10", allowWatchBookmarks: "true" });
  });

  it("re-lists when the watch says the version expired (410)", async () => {
    const clock = new FakeClock();
    const { log, sink } = recordingSink();
    const watch = new ScriptedWatch([
      (callback, done) => {
        callback("ERROR", { kind: "Status", code: 410, reason: "Expired" });
        done(null);
      },
    ]);
    const lists = listing(
      { items: [pod("a", "9")], resourceVersion: "10" },
      { items: [pod("c", "30")], resourceVersion: "31" },
    );
    const feed = startListWatch({
      what: "pods",
      list: lists.list,
      watch,
      path: "/p",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
    });

    await settle(clock, 100);
    feed.close();

    expect(log).toEqual(["replace a", "replace c"]);
    expect(watch.calls.map((call) => call.resourceVersion)).toEqual(["10", "31"]);
  });

  it("resumes a dropped stream from the last version it saw", async () => {
    const clock = new FakeClock();
    const { sink } = recordingSink();
    const watch = new ScriptedWatch([
      (callback, done) => {
        callback("MODIFIED", pod("a", "15"));
        clock.after(5_000, () => done(new TypeError("terminated")));
      },
    ]);
    const lists = listing({ items: [pod("a", "9")], resourceVersion: "10" });
    const feed = startListWatch({
      what: "pods",
      list: lists.list,
      watch,
      path: "/p",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
    });

    await settle(clock, 10_000);
    feed.close();

    expect(watch.calls.map((call) => call.resourceVersion)).toEqual(["10", "15"]);
    expect(lists.calls()).toBe(1);
  });

  it("polls the list when the server refuses to watch", async () => {
    const clock = new FakeClock();
    const { log, sink } = recordingSink();
    const watch = new ScriptedWatch([
      (_callback, done) => done(Object.assign(new Error("Forbidden"), { statusCode: 403 })),
    ]);
    const lists = listing(
      { items: [pod("a", "9")], resourceVersion: "10" },
      { items: [], resourceVersion: "20" },
    );
    const feed = startListWatch({
      what: "pods",
      list: lists.list,
      watch,
      path: "/p",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
      pollIntervalMs: 1_000,
    });

    await settle(clock, 3_500);
    feed.close();

    expect(watch.calls).toHaveLength(1);
    expect(lists.calls()).toBeGreaterThanOrEqual(3);
    expect(log.slice(0, 2)).toEqual(["replace a", "replace "]);
  });

  it("lists again (renewing the token) when a watch is refused with 401, then watches again", async () => {
    const clock = new FakeClock();
    const { log, sink } = recordingSink();
    const watch = new ScriptedWatch([
      (_callback, done) => done(Object.assign(new Error("Unauthorized"), { statusCode: 401 })),
      (callback) => callback("ADDED", pod("b", "21")),
    ]);
    const lists = listing(
      { items: [pod("a", "9")], resourceVersion: "10" },
      { items: [pod("a", "9")], resourceVersion: "20" },
    );
    const feed = startListWatch({
      what: "pods",
      list: lists.list,
      watch,
      path: "/p",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
      pollIntervalMs: 1_000,
    });

    await settle(clock, 3_500);
    feed.close();

    expect(lists.calls(), "one list after the refused watch, then no polling").toBe(2);
    expect(watch.calls.map((call) => call.resourceVersion)).toEqual(["10", "20"]);
    expect(log).toEqual(["replace a", "replace a", "upsert b"]);
  });

  it("gives up, saying why, when listing is refused", async () => {
    const clock = new FakeClock();
    const { sink, failure } = recordingSink();
    const refused = new ApiException(
      403,
      "Forbidden",
      '{"kind":"Status","code":403,"message":"pods is forbidden"}',
      {},
    );
    const lists = listing(refused);
    startListWatch({
      what: "pods on node n1",
      list: lists.list,
      watch: new ScriptedWatch([]),
      path: "/p",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
    });

    await settle(clock, 100);

    expect(failure()).toMatchObject({ kind: "forbidden", retryable: false });
    expect(failure()?.message).toMatch(/^listing pods on node n1: 403/);
  });

  it("retries a list that failed for a transient reason", async () => {
    const clock = new FakeClock();
    const { log, sink, failure } = recordingSink();
    const lists = listing(new TypeError("fetch failed"), { items: [pod("a", "1")], resourceVersion: "2" });
    const feed = startListWatch({
      what: "pods",
      list: lists.list,
      watch: new ScriptedWatch([]),
      path: "/p",
      query: {},
      sink,
      clock,
      normalize: (raw) => raw as V1Pod,
    });

    await settle(clock, 5_000);
    feed.close();

    expect(failure()).toBeUndefined();
    expect(log).toEqual(["replace a"]);
  });
});

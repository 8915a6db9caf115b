import { describe, expect, it } from "vitest";
import type { Pod } from "../../src/sim/kube-objects.js";
import { ObjectStore } from "../../src/sim/object-store.js";
import { resourceTypes } from "../../src/sim/resource-types.js";
import { TimerSet } from "../../src/sim/timer-set.js";
import { createManualClock } from "../../src/time/manual-clock.js";

const pods = resourceTypes.pods;

function pod(name: string, nodeName: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop", uid: `uid-${name}`, labels: { app: "web" } },
    spec: { nodeName, containers: [{ name: "main", image: "web:1" }] },
    status: { phase: "Running" },
  } as Pod;
}

function nodeIndexed(): ObjectStore {
  const store = new ObjectStore();
  store.defineIndex(pods, "spec.nodeName", (object) => (object as Pod).spec?.nodeName);
  return store;
}

const names = (stored: { object: { metadata: { name: string } } }[]) =>
  stored.map((entry) => entry.object.metadata.name);

describe("ObjectStore", () => {
  it("keeps an index's answers in key order as objects come, move between values and go", () => {
    const store = nodeIndexed();
    for (const name of ["c", "a", "d", "b"]) store.create(pods, pod(name, "node-1"));
    expect(names(store.byIndex(pods, "spec.nodeName", "node-1"))).toEqual(["a", "b", "c", "d"]);

    // A write that keeps the indexed value keeps the object where it was.
    const b = store.get(pods, "shop", "b") as ReturnType<ObjectStore["get"]> & object;
    store.update(b, (draft) => {
      (draft as Pod).metadata.labels = { app: "web", tier: "front" };
    });
    expect(names(store.byIndex(pods, "spec.nodeName", "node-1"))).toEqual(["a", "b", "c", "d"]);

    // One that changes it moves the object to the other value's answer.
    const c = store.get(pods, "shop", "c") as ReturnType<ObjectStore["get"]> & object;
    store.update(c, (draft) => {
      (draft as Pod).spec.nodeName = "node-2";
    });
    store.create(pods, pod("aa", "node-2"));
    expect(names(store.byIndex(pods, "spec.nodeName", "node-1"))).toEqual(["a", "b", "d"]);
    expect(names(store.byIndex(pods, "spec.nodeName", "node-2"))).toEqual(["aa", "c"]);

    store.remove(store.get(pods, "shop", "a") as ReturnType<ObjectStore["get"]> & object);
    store.create(pods, pod("0", "node-1"));
    expect(names(store.byIndex(pods, "spec.nodeName", "node-1"))).toEqual(["0", "b", "d"]);
  });

  it("never changes a stored version, whether its JSON was already written or not", () => {
    const store = new ObjectStore();
    const first = store.create(pods, pod("web-1", "node-1"));
    // Not yet serialized: the draft is a structured clone.
    const second = store.update(first, (draft) => {
      draft.metadata.labels = { app: "api" };
    });
    // Serialized (as a watch or a GET would): the draft is parsed from that JSON.
    second.json();
    const third = store.update(second, (draft) => {
      (draft.metadata.labels as Record<string, string>).app = "cache";
      draft.spec.nodeName = "node-2";
    });
    expect(first.object.metadata.labels).toEqual({ app: "web" });
    expect(second.object.metadata.labels).toEqual({ app: "api" });
    expect(second.object.spec.nodeName).toBe("node-1");
    expect(third.object.metadata.labels).toEqual({ app: "cache" });
    expect(JSON.parse(second.json()).metadata.labels).toEqual({ app: "api" });
    const removed = store.remove(third);
    expect((removed.object as Pod).spec.nodeName).toBe("node-2");
    expect(removed.object).not.toBe(third.object);
  });
});

describe("TimerSet", () => {
  it("runs every timer once when due, and none after it stopped, however many are pending", async () => {
    const clock = createManualClock();
    const errors: unknown[] = [];
    const timers = new TimerSet(clock, (error) => errors.push(error));
    const ran: number[] = [];
    for (let index = 0; index < 300; index += 1)
      timers.after(index < 150 ? 10 : 1_000, () => ran.push(index));
    expect(timers.pending).toBe(300);

    await clock.advance(10);
    expect(ran).toHaveLength(150);
    expect(timers.pending).toBe(150);

    timers.stop();
    await clock.advance(2_000);
    expect(ran).toHaveLength(150);
    expect(timers.pending).toBe(0);
    expect(clock.pending()).toBe(0);
    timers.after(0, () => ran.push(-1));
    await clock.advance(1);
    expect(ran).not.toContain(-1);
    expect(errors).toEqual([]);
  });
});

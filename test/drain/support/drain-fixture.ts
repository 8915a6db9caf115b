import { type DrainRequest, drainNode } from "../../../src/drain/drain-node.js";
import type { DrainEvent } from "../../../src/drain/events.js";
import { type DrainPolicy, drainPolicyWith } from "../../../src/drain/policy.js";
import type { DrainResult } from "../../../src/drain/result.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import { FakeClock } from "./fake-clock.js";
import { FakeCluster } from "./fake-cluster.js";

/** A two-node fake cluster (node-a is drained, node-b takes the replacements) with a fake clock. */
export function fixture() {
  const clock = new FakeClock();
  const cluster = new FakeCluster(clock);
  cluster.addNode("node-a");
  cluster.addNode("node-b");
  const events: DrainEvent[] = [];
  return {
    clock,
    cluster,
    events,
    drain(overrides: Partial<DrainPolicy> = {}, request: Partial<DrainRequest> = {}): Promise<DrainResult> {
      return drainNode({
        cluster,
        clock,
        nodeName: "node-a",
        policy: drainPolicyWith(overrides),
        deadline: clock.now() + 3_600_000,
        random: seededRandom(7),
        ...request,
        observer: (event) => {
          events.push(event);
          request.observer?.(event);
        },
      });
    },
    eventsOf<K extends DrainEvent["kind"]>(kind: K): Array<Extract<DrainEvent, { kind: K }>> {
      return events.filter((event): event is Extract<DrainEvent, { kind: K }> => event.kind === kind);
    },
  };
}

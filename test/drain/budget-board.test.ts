import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { BudgetBoard } from "../../src/drain/budget-board.js";
import type { ClusterPort, FeedSink } from "../../src/drain/cluster-port.js";

function budget(
  app: string,
  generation: number | undefined,
  allowed: number,
  uid: string | undefined = "uid-web",
): V1PodDisruptionBudget {
  return {
    metadata: {
      name: "web",
      namespace: "shop",
      ...(uid === undefined ? {} : { uid }),
      ...(generation === undefined ? {} : { generation }),
    },
    spec: { selector: { matchLabels: { app } }, minAvailable: 1 },
    status: { disruptionsAllowed: allowed, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
  };
}

const pod = (app: string): V1Pod => ({ metadata: { name: `${app}-1`, namespace: "shop", labels: { app } } });

/** A board fed by hand, as its watch would feed it; with what its listener was told. */
function openBoard() {
  let sink: FeedSink<V1PodDisruptionBudget> | undefined;
  const cluster = {
    watchBudgets: (given: FeedSink<V1PodDisruptionBudget>) => {
      sink = given;
      return { close: () => {} };
    },
  } as Pick<ClusterPort, "watchBudgets"> as ClusterPort;
  const board = new BudgetBoard();
  const told: Array<{ covers: boolean; key?: string }> = [];
  board.subscribe({
    changed: (covers, key) => told.push({ covers, ...(key === undefined ? {} : { key }) }),
    problem: () => {},
  });
  board.open(cluster);
  if (sink === undefined) throw new Error("the board opened no watch");
  return { board, sink, told };
}

describe("budget board", () => {
  it("keeps which pods a budget covers across status changes, and reads them again when its spec changes", () => {
    const { board, sink, told } = openBoard();
    sink.replace([budget("web", 1, 1)]);
    expect(
      board
        .index()
        .forPod(pod("web"))
        .map((each) => each.metadata?.name),
    ).toEqual(["web"]);

    sink.upsert(budget("web", 1, 0));
    expect(told.at(-1)).toEqual({ covers: false, key: "shop/web" });

    // The selector edited: the server bumped the generation.
    sink.upsert(budget("api", 2, 0));
    expect(told.at(-1)).toEqual({ covers: true, key: "shop/web" });
    expect(board.index().forPod(pod("web"))).toEqual([]);
    expect(
      board
        .index()
        .forPod(pod("api"))
        .map((each) => each.metadata?.name),
    ).toEqual(["web"]);
  });

  it("compares the selectors of a budget made anew under the same name, or with no generation", () => {
    const { board, sink, told } = openBoard();
    sink.replace([budget("web", 1, 1)]);
    sink.upsert(budget("api", 1, 1, "uid-new"));
    expect(told.at(-1)).toEqual({ covers: true, key: "shop/web" });
    expect(board.index().forPod(pod("api"))).toHaveLength(1);

    sink.upsert(budget("web", undefined, 1, "uid-new"));
    expect(told.at(-1)).toEqual({ covers: true, key: "shop/web" });
    expect(board.index().forPod(pod("web"))).toHaveLength(1);
  });
});

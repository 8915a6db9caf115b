import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DRAIN_STATE_ANNOTATION } from "../../src/drain/drain-state.js";
import { drainEventCatalog } from "../../src/kube/drain-event-catalog.js";
import { drainMetricCatalog } from "../../src/lifecycle/drain-metrics.js";
import { LIFECYCLE_RECORD_ANNOTATION } from "../../src/lifecycle/lifecycle-record.js";

const docs = await readFile(new URL("../../docs/observability.md", import.meta.url), "utf8");
/** The docs' table rows as trimmed cells (the formatter pads them). */
const rows = docs
  .split("\n")
  .filter((line) => line.startsWith("|"))
  .map((line) => line.split("|").map((cell) => cell.trim()));

function documented(...cells: string[]): boolean {
  return rows.some((row) => cells.every((cell, index) => row[index + 1] === cell));
}

describe("the event and metric catalogs", () => {
  it("give every event an UpperCamelCase reason, and one reason per object kind", () => {
    const entries = Object.values(drainEventCatalog);
    for (const entry of entries) expect(entry.reason).toMatch(/^[A-Z][A-Za-z]+$/);
    const keys = entries.map((entry) => `${entry.subject}/${entry.reason}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keep a batch's message short however many pods it holds", () => {
    const pods = Array.from({ length: 110 }, (_, index) => ({
      namespace: "a-rather-long-namespace",
      name: `a-deployment-with-a-long-name-7d4b9c8f6d-${index}`,
      uid: `${index}`,
    }));
    const message = drainEventCatalog.podsEvicted.message({ pods, tier: "ordinary" });
    expect(message.length).toBeLessThan(1024);
    expect(message).toMatch(/^Evicted 110 pods \(tier ordinary\): .* and 102 more$/);
  });

  it("are both listed in docs/observability.md, with the node's annotations", () => {
    for (const entry of Object.values(drainEventCatalog)) {
      expect(documented(`\`${entry.reason}\``, entry.type, entry.subject), `event ${entry.reason}`).toBe(
        true,
      );
    }
    for (const metric of Object.values(drainMetricCatalog)) {
      expect(documented(`\`${metric.name}\``, metric.unit), `metric ${metric.name}`).toBe(true);
    }
    expect(docs).toContain(DRAIN_STATE_ANNOTATION);
    expect(docs).toContain(LIFECYCLE_RECORD_ANNOTATION);
  });
});

import { describe, expect, it } from "vitest";
import { podLanes, renderDrainReport } from "../../src/timeline/index.js";
import { smallDrain } from "./support/drain-records.js";
import { embeddedRecord, lanesOf } from "./support/report-page-reader.js";

describe("the HTML report", () => {
  const record = smallDrain();
  const html = renderDrainReport(record);

  it("draws one lane per pod, each with its states in time order", () => {
    const lanes = lanesOf(html);
    expect(lanes.map((lane) => lane.pod).sort()).toEqual(record.pods.map((pod) => pod.pod).sort());
    const model = podLanes(record);
    for (const lane of lanes) {
      const expected = model.find((candidate) => candidate.pod === lane.pod);
      expect(lane.states).toEqual(expected?.segments.map((segment) => segment.state));
      expect(lane.end).toBe(expected?.end);
    }
    expect(lanes.find((lane) => lane.pod === "shop/web-2")?.states).toEqual([
      "running",
      "held",
      "terminating",
    ]);
  });

  it("references nothing outside the file", () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html).not.toMatch(/url\(|@import/);
    expect(html).toMatch(/^<!doctype html>/);
  });

  it("draws the budgets, the tiers, the deadline and the critical path", () => {
    expect(html).toContain("shop/web (2 pods)");
    expect(html.match(/<line class="tier"/g)).toHaveLength(2);
    expect(html).toContain('<line class="deadline"');
    expect(html.match(/<g class="lane critical"/g)).toHaveLength(2);
    expect(html).toContain("Critical path");
  });

  it("carries the record it was drawn from", () => {
    expect(embeddedRecord(html)).toEqual(record);
  });

  it("escapes names it did not write", () => {
    const hostile = smallDrain();
    const evil = 'shop/<script>alert("x")</script>';
    hostile.pods.push({ pod: evil, workload: "no controller", tier: "ordinary", budgets: [] });
    const page = renderDrainReport(hostile);
    expect(page).not.toContain("<script>alert");
    expect(embeddedRecord(page).pods.at(-1)?.pod).toBe(evil);
  });

  it("keeps 500 pods to compact lanes without per-pod labels", () => {
    const big = smallDrain();
    for (let index = 0; index < 500; index++) {
      big.pods.push({ pod: `bulk/p-${index}`, workload: "Deployment bulk/p", tier: "ordinary", budgets: [] });
      big.timeline.push({
        seconds: 1 + index / 100,
        source: "api",
        kind: "evicted",
        level: "info",
        text: "evicted",
        pod: `bulk/p-${index}`,
      });
      big.timeline.push({
        seconds: 2 + index / 100,
        source: "cluster",
        kind: "gone",
        level: "info",
        text: "gone",
        pod: `bulk/p-${index}`,
      });
    }
    big.timeline.sort((a, b) => a.seconds - b.seconds);
    const page = renderDrainReport(big);
    expect(lanesOf(page)).toHaveLength(506);
    expect(page).not.toContain('<text class="pod"');
  });
});

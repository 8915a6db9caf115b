import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimulationDocument, simulationRecord } from "../../src/cli/simulation-report.js";
import { chromiumMissing, withChromium } from "../support/headless-chromium.js";
import { embeddedRecord, lanesOf } from "../timeline/support/report-page-reader.js";
import { smallCluster } from "./support/cli-scenarios.js";
import { type InProcessRun, runInProcess } from "./support/in-process.js";

const directory = mkdtempSync(join(tmpdir(), "eks-node-drainer-report-"));
const scenarioFile = join(directory, "small.yaml");
const reportFile = join(directory, "small.html");
writeFileSync(scenarioFile, smallCluster);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("simulate --report", () => {
  let run: InProcessRun;
  let document: SimulationDocument;
  let html: string;

  beforeAll(async () => {
    run = await runInProcess(["simulate", scenarioFile, "--output", "json", "--report", reportFile]);
    document = JSON.parse(run.stdout) as SimulationDocument;
    html = readFileSync(reportFile, "utf8");
  }, 90_000);

  it("writes the page and says where", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`report written to ${reportFile}`);
  });

  it("draws the record --output json printed: one lane per pod of the node, each ending as the JSON says", () => {
    expect(embeddedRecord(html)).toEqual(simulationRecord(document));
    const lanes = lanesOf(html);
    expect(lanes.map((lane) => lane.pod).sort()).toEqual(document.pods.map((pod) => pod.pod).sort());
    const gone = new Set(
      document.timeline.filter((entry) => entry.kind === "gone").map((entry) => entry.pod),
    );
    const evicted = lanes.filter((lane) => lane.end === "gone");
    expect(evicted.map((lane) => lane.pod).sort()).toEqual([...gone].sort());
    expect(evicted).toHaveLength(3);
    for (const lane of evicted) expect(lane.states.at(-1)).toBe("terminating");
    // The DaemonSet pod stays: skipped, as the handler logged it.
    expect(lanes.filter((lane) => lane.end === "skipped").map((lane) => lane.pod)).toEqual([
      expect.stringMatching(/^kube-system\/agent-/),
    ]);
  });

  it("draws the budget and the tier, and links to nothing outside the file", () => {
    expect(html).toContain("shop/web (2 pods)");
    expect(html).toContain("tier ordinary");
    expect(html).not.toMatch(/https?:\/\//);
  });

  const missing = chromiumMissing();
  if (missing !== undefined) console.warn(`[simulate --report] ${missing}`);

  it.skipIf(missing !== undefined)(
    "opens in headless Chromium without console errors, lanes visible, a hover showing a pod's events",
    async () => {
      await withChromium(async (browser) => {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warn") problems.push(message.text());
        });
        page.on("pageerror", (error) => problems.push(String(error)));
        page.on("requestfailed", (request) => problems.push(`request ${request.url()}`));
        const requests: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        await page.setViewport({ width: 1400, height: 900 });
        await page.goto(pathToFileURL(reportFile).href, { waitUntil: "load" });
        const boxes = await page.$$eval("g.lane", (lanes) =>
          lanes.map((lane) => {
            const box = lane.getBoundingClientRect();
            return { pod: lane.getAttribute("data-pod"), width: box.width, height: box.height };
          }),
        );
        expect(boxes).toHaveLength(document.pods.length);
        for (const box of boxes) {
          expect(box.width, `${box.pod}`).toBeGreaterThan(100);
          expect(box.height, `${box.pod}`).toBeGreaterThan(4);
        }
        const target = lanesOf(html).find((lane) => lane.end === "gone")?.pod ?? "";
        const lane = await page.$(`g.lane[data-pod="${target}"] rect.s-terminating`);
        await lane?.hover();
        const tip = await page.$eval("#tip", (element) => ({
          hidden: element.hasAttribute("hidden"),
          text: element.textContent ?? "",
        }));
        expect(tip.hidden).toBe(false);
        expect(tip.text).toContain(target);
        expect(tip.text).toMatch(/evicted/);
        expect(problems).toEqual([]);
        expect(requests.filter((url) => !url.startsWith("file:"))).toEqual([]);
      });
    },
    60_000,
  );
});

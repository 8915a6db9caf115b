/**
 * A PNG of a drain report as headless Chromium draws it, for the README:
 *
 *   npx tsx scripts/report-screenshot.ts REPORT.html OUT.png [--dark] [--width=1400] [--height=1000]
 *
 * --dark emulates prefers-color-scheme: dark. --height 0 takes the whole page.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromiumMissing, withChromium } from "../test/support/headless-chromium.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dark: { type: "boolean", default: false },
    width: { type: "string", default: "1400" },
    height: { type: "string", default: "1000" },
  },
});
const [report, out] = positionals;
if (report === undefined || out === undefined || !out.endsWith(".png")) {
  process.stderr.write("usage: npx tsx scripts/report-screenshot.ts REPORT.html OUT.png [--dark]\n");
  process.exit(64);
}
const missing = chromiumMissing();
if (missing !== undefined) {
  process.stderr.write(`${missing}\n`);
  process.exit(1);
}
const width = Number(values.width);
const height = Number(values.height);
await withChromium(async (browser) => {
  const page = await browser.newPage();
  await page.setViewport({ width, height: height > 0 ? height : 1000, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: values.dark ? "dark" : "light" }]);
  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: "load" });
  await page.screenshot({ path: resolve(out) as `${string}.png`, fullPage: height <= 0 });
});
process.stderr.write(`wrote ${out}\n`);

import type { DrainRecord } from "../../../src/timeline/index.js";

/** The lanes of a report page: each lane group's pod, how it ends, and its state rectangles in order. */
export function lanesOf(html: string): Array<{ pod: string; end: string; states: string[] }> {
  const lanes: Array<{ pod: string; end: string; states: string[] }> = [];
  for (const match of html.matchAll(
    /<g class="lane[^"]*" data-pod="([^"]*)" data-end="([^"]*)">(.*?)<\/g>/gs,
  )) {
    const [, pod = "", end = "", body = ""] = match;
    lanes.push({
      pod,
      end,
      states: [...body.matchAll(/<rect class="s-([a-z]+)"/g)].map((state) => state[1] ?? ""),
    });
  }
  return lanes;
}

/** The record a page carries in its JSON script element. */
export function embeddedRecord(html: string): DrainRecord {
  const match = /<script type="application\/json" id="drain-record">(.*?)<\/script>/s.exec(html);
  if (match?.[1] === undefined) throw new Error("the page carries no drain record");
  return JSON.parse(match[1]) as DrainRecord;
}

import { podKey } from "../drain/cluster-port.js";
import type { DrainEvent } from "../drain/events.js";
import { durationText, elapsedText } from "../time/duration-text.js";
import type { DisplayOptions, ProgressDisplay } from "./display.js";
import { DrainProgress, type ProgressSnapshot } from "./drain-progress.js";
import { describeDrainEvent, type EventLevel, levelOf, shown } from "./event-text.js";
import type { Terminal } from "./terminal.js";

const REDRAW_MS = 500;
const MAX_BLOCKED_SHOWN = 5;

/**
 * The live view for a terminal: event lines scroll above a status block that is redrawn in place —
 * counts of pods evicted / terminating / gone / waiting / blocked, and which budget blocks which pod
 * with its disruptionsAllowed.
 */
export class LiveProgress implements ProgressDisplay {
  private readonly progress = new DrainProgress();
  private readonly origin: number;
  private statusLines = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly terminal: Terminal,
    private readonly options: DisplayOptions,
  ) {
    this.origin = options.clock.now();
    this.timer = setInterval(() => this.redraw([]), REDRAW_MS);
    this.timer.unref();
  }

  observe(event: DrainEvent): void {
    const level = levelOf(event, this.progress);
    const lines = shown(level, this.options.verbose)
      ? [this.format(event.at, describeDrainEvent(event).text, level)]
      : [];
    this.redraw(lines);
  }

  note(text: string, level: EventLevel = "info"): void {
    if (!shown(level, this.options.verbose)) return;
    this.redraw([this.format(this.options.clock.now(), text, level)]);
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.redraw([]);
    this.closed = true;
    this.statusLines = 0;
  }

  private format(at: number, text: string, level: EventLevel): string {
    const mark = level === "warn" ? "\u001b[33mwarning:\u001b[0m " : "";
    return `\u001b[2m[${elapsedText(at - this.origin)}]\u001b[0m ${mark}${text}`;
  }

  /** Erases the status block, prints the new lines, draws the status block again. */
  private redraw(lines: string[]): void {
    if (this.closed) {
      for (const line of lines) this.terminal.log(`${line}\n`);
      return;
    }
    const erase = this.statusLines > 0 ? `\u001b[${this.statusLines}F\u001b[J` : "";
    const status = statusBlock(
      this.progress.snapshot(),
      this.options.clock.now() - this.origin,
      this.options.clock.now(),
    );
    const width = Math.max(20, this.terminal.columns - 1);
    const fitted = status.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
    this.statusLines = fitted.length;
    this.terminal.log(
      `${erase}${lines.map((line) => `${line}\n`).join("")}${fitted.map((line) => `${line}\n`).join("")}`,
    );
  }
}

/** The status block's lines (plain text, so that their width can be measured). */
export function statusBlock(snapshot: ProgressSnapshot, elapsedMs: number, now: number): string[] {
  const deadline =
    snapshot.deadline === undefined ? "" : ` · deadline in ${durationText(snapshot.deadline - now)}`;
  const lines = [
    `${snapshot.nodeName || "node"} · ${snapshot.stage} · ${durationText(elapsedMs)}${deadline}`,
    `  evicted ${snapshot.evicted} · terminating ${snapshot.terminating} · gone ${snapshot.gone} · waiting ${snapshot.waiting} · blocked ${snapshot.blocked.length}${snapshot.forced > 0 ? ` · forced ${snapshot.forced}` : ""}`,
  ];
  for (const entry of snapshot.blocked.slice(0, MAX_BLOCKED_SHOWN)) {
    const by =
      entry.cause === "budget"
        ? `budget ${entry.budget ?? "?"} (disruptionsAllowed ${entry.disruptionsAllowed ?? "?"})`
        : entry.cause === "multiple-budgets"
          ? `several budgets (${entry.budget ?? "?"})`
          : "namespace terminating";
    lines.push(
      `  blocked ${podKey(entry.pod)} by ${by}, ${entry.refusals} refusal${entry.refusals === 1 ? "" : "s"}`,
    );
  }
  if (snapshot.blocked.length > MAX_BLOCKED_SHOWN) {
    lines.push(`  … and ${snapshot.blocked.length - MAX_BLOCKED_SHOWN} more blocked`);
  }
  return lines;
}

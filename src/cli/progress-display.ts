import type { DrainEvent } from "../drain/events.js";
import { elapsedText, timeText } from "../time/duration-text.js";
import type { DisplayOptions, ProgressDisplay } from "./display.js";
import { DrainProgress } from "./drain-progress.js";
import { describeDrainEvent, type EventLevel, levelOf, shown } from "./event-text.js";
import { LiveProgress } from "./live-progress.js";
import type { Terminal } from "./terminal.js";

/** Shows a drain's events while it runs, on standard error. */

/**
 * Picks the display: JSON lines with --log-format json; a live view redrawn in place when standard
 * error is a terminal; otherwise plain timestamped lines.
 */
export function progressDisplay(terminal: Terminal, options: DisplayOptions): ProgressDisplay {
  if (options.logFormat === "json") return new JsonLines(terminal, options);
  if (terminal.interactive) return new LiveProgress(terminal, options);
  return new PlainLines(terminal, options);
}

/** `[  12.3s] evicted shop/web-1 (tier ordinary)`: one line per event, for logs and pipes. */
class PlainLines implements ProgressDisplay {
  private readonly progress = new DrainProgress();
  private readonly origin: number;

  constructor(
    private readonly terminal: Terminal,
    private readonly options: DisplayOptions,
  ) {
    this.origin = options.clock.now();
  }

  observe(event: DrainEvent): void {
    const level = levelOf(event, this.progress);
    if (!shown(level, this.options.verbose)) return;
    this.print(event.at, describeDrainEvent(event).text, level);
  }

  note(text: string, level: EventLevel = "info"): void {
    if (shown(level, this.options.verbose)) this.print(this.options.clock.now(), text, level);
  }

  close(): void {}

  private print(at: number, text: string, level: EventLevel): void {
    this.terminal.log(`[${elapsedText(at - this.origin)}] ${level === "warn" ? "warning: " : ""}${text}\n`);
  }
}

/** One JSON object per line: time, level, msg, event, node and the event's own fields. */
class JsonLines implements ProgressDisplay {
  private readonly progress = new DrainProgress();

  constructor(
    private readonly terminal: Terminal,
    private readonly options: DisplayOptions,
  ) {}

  observe(event: DrainEvent): void {
    const level = levelOf(event, this.progress);
    if (!shown(level, this.options.verbose)) return;
    const { at, kind, nodeName, ...fields } = event;
    this.emit({
      time: timeText(at),
      level: level === "detail" ? "debug" : level,
      msg: describeDrainEvent(event).text,
      event: kind,
      node: nodeName,
      ...fields,
    });
  }

  note(text: string, level: EventLevel = "info"): void {
    if (!shown(level, this.options.verbose)) return;
    this.emit({
      time: timeText(this.options.clock.now()),
      level: level === "detail" ? "debug" : level,
      msg: text,
    });
  }

  close(): void {}

  private emit(record: Record<string, unknown>): void {
    this.terminal.log(`${JSON.stringify(record)}\n`);
  }
}

import type { Clock } from "../drain/clock.js";
import type { DrainEvent } from "../drain/events.js";
import type { EventLevel } from "./event-text.js";

/** What a drain's progress is shown on: the live view, plain lines or JSON lines (progress-display.ts picks). */
export interface ProgressDisplay {
  observe(event: DrainEvent): void;
  /** A line of the command's own (lookup, lifecycle action) among the drain's. */
  note(text: string, level?: EventLevel): void;
  /** Stops redrawing; leaves the last state on screen. */
  close(): void;
}

export interface DisplayOptions {
  logFormat: "text" | "json";
  verbose: boolean;
  clock: Clock;
}

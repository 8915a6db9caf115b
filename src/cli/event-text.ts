import type { DrainEvent } from "../drain/events.js";
import { describeDrainEvent, type EventLevel } from "../timeline/drain-event-text.js";
import type { DrainProgress } from "./drain-progress.js";

export { describeDrainEvent, type EventLevel, type EventLine } from "../timeline/drain-event-text.js";

/** Whether a line of this level is shown. */
export function shown(level: EventLevel, verbose: boolean): boolean {
  return verbose || level !== "detail";
}

/**
 * Applies the event to the progress and says how loud its line is: a refusal of a pod already refused
 * by the same budget is a detail (they repeat every few seconds), the first one is not.
 */
export function levelOf(event: DrainEvent, progress: DrainProgress): EventLevel {
  const line = describeDrainEvent(event);
  const blockerChanged = progress.apply(event);
  return event.kind === "blocked" && !blockerChanged ? "detail" : line.level;
}

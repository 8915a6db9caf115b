import type { Clock } from "../drain/clock.js";
import { DrainEventReporter, type DrainEventReporterOptions } from "./drain-event-reporter.js";
import { KubeEventRecorder } from "./event-recorder.js";
import type { KubeClient } from "./kube-client.js";

export interface NodeEventsOptions extends DrainEventReporterOptions {
  clock?: Clock;
  /** Told about failed writes (events never fail the drain). */
  onError?: (error: Error) => void;
}

/** A reporter writing through a KubeEventRecorder on `client`: the usual way to get one. */
export function nodeDrainEvents(client: KubeClient, options: NodeEventsOptions): DrainEventReporter {
  const { clock, onError, ...reporterOptions } = options;
  const recorder = new KubeEventRecorder(client, {
    ...(clock === undefined ? {} : { clock }),
    ...(onError === undefined ? {} : { onError }),
  });
  return new DrainEventReporter(recorder, reporterOptions);
}

import { type SimDrain, type SimDrainOptions, startSimDrain } from "../../support/sim-drain.js";

export type SimDrainHarness = SimDrain;

/** Starts the simulated cluster of a scenario file (or inline YAML) and a drainer wired to it over HTTPS. */
export function startHarness(
  source: { file: string } | { yaml: string },
  options: SimDrainOptions = {},
): Promise<SimDrainHarness> {
  return startSimDrain(source, { seed: 11, virtualTime: true, ...options });
}

import { fileURLToPath } from "node:url";
import { type SimDrain, startSimDrain } from "../../support/sim-drain.js";

const scenarios = fileURLToPath(new URL("../../../scenarios/", import.meta.url));

export type StatefulSim = SimDrain;

/** A shipped scenario (scenarios/FILE) on the one virtual clock, with the drainer wired to it over HTTPS. */
export function startStatefulSim(file: string): Promise<StatefulSim> {
  return startSimDrain({ file: `${scenarios}${file}` }, { virtualTime: true, seed: 3 });
}

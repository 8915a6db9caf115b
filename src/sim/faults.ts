import type { SeededRandom } from "../random/seeded-random.js";
import { faultsSchema, type ScenarioFaults } from "./scenario-schema.js";

/** The request kinds faults can target; `eviction` is a create on pods/eviction, `all` any request. */
export type FaultVerb =
  | "all"
  | "get"
  | "list"
  | "watch"
  | "create"
  | "update"
  | "patch"
  | "delete"
  | "eviction";

/** The faults in force; every field is optional and absent means no fault of that kind. */
export type FaultSettings = ScenarioFaults;

export interface FaultControl {
  /** The faults in force now. */
  current(): Readonly<FaultSettings>;
  /** Merges `change` into the faults in force (a field set to undefined clears that fault). */
  update(change: FaultSettings): void;
  /** Clears every fault. */
  reset(): void;
  /** Closes every open watch stream now, as a dropped connection would; returns how many. */
  dropWatchesNow(): number;
}

/** The decisions the server and controllers ask of the faults, drawn from a seeded random source. */
export class Faults implements FaultControl {
  private settings: FaultSettings;

  constructor(
    initial: FaultSettings,
    private readonly random: SeededRandom,
    private readonly dropWatches: () => number,
  ) {
    this.settings = { ...initial };
  }

  current(): Readonly<FaultSettings> {
    return { ...this.settings };
  }

  update(change: FaultSettings): void {
    const checked = faultsSchema.safeParse(change);
    if (!checked.success) {
      const problems = checked.error.issues.map(
        (issue) => `${issue.path.join(".") || "(faults)"}: ${issue.message}`,
      );
      throw new Error(`invalid fault settings: ${problems.join("; ")}`);
    }
    // Merge what was passed (not the parsed copy) so that a field set to undefined clears that fault.
    this.settings = { ...this.settings, ...change };
  }

  reset(): void {
    this.settings = {};
  }

  dropWatchesNow(): number {
    return this.dropWatches();
  }

  /** Milliseconds to hold this request before answering. */
  latencyMs(verb: FaultVerb): number {
    const latency = this.settings.latencyMs;
    if (!latency) return 0;
    return latency[verb] ?? latency.all ?? 0;
  }

  /** A 500 or 503 to answer instead of serving, or undefined. */
  injectedError(verb: FaultVerb): 500 | 503 | undefined {
    const rates = this.settings.errorRate;
    if (!rates) return undefined;
    const rate = rates[verb] ?? rates.all ?? 0;
    if (!this.random.chance(rate)) return undefined;
    const codes = this.settings.errorCodes ?? [500, 503];
    return codes[this.random.below(codes.length)] ?? 500;
  }

  /**
   * Whether this request, whose bearer token is good, is answered 401 all the same: counts down
   * `refuseTokens`. aws-iam-authenticator answers so when its STS GetCallerIdentity call fails
   * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/master/pkg/token/token.go, Verify).
   */
  tokenRefused(): boolean {
    const left = this.settings.refuseTokens ?? 0;
    if (left <= 0) return false;
    this.settings = { ...this.settings, refuseTokens: left - 1 };
    return true;
  }

  /** Whether API priority and fairness refuses this request. */
  throttled(): boolean {
    return this.random.chance(this.settings.throttleRate ?? 0);
  }

  throttleRetryAfterSeconds(): number {
    return this.settings.throttleRetryAfterSeconds ?? 1;
  }

  throttleBody(): "status" | "text" {
    return this.settings.throttleBody ?? "status";
  }

  dropWatchesAfterMs(): number | undefined {
    const seconds = this.settings.dropWatchesAfterSeconds;
    return seconds === undefined ? undefined : seconds * 1000;
  }

  /** Whether the detach of this volume never completes (by PV name or PVC name). */
  detachStuck(persistentVolumeName: string, claimName: string | undefined): boolean {
    const stuck = this.settings.stuckDetach;
    if (stuck === true) return true;
    if (!Array.isArray(stuck)) return false;
    return stuck.includes(persistentVolumeName) || (claimName !== undefined && stuck.includes(claimName));
  }

  /** The node to delete once `evictionsFromIt` pods were evicted from it, if that fault is set. */
  nodeToDelete(nodeName: string, evictionsFromIt: number): boolean {
    const rule = this.settings.deleteNode;
    return rule !== undefined && rule.node === nodeName && evictionsFromIt >= rule.afterEvictions;
  }
}

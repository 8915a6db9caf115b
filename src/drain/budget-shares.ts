/**
 * Shares of one budget's room, for drainers that know how many drain at once (the group's leaving
 * instances) but share nothing but the API server: every grant of the budget (its room growing by one: a
 * replacement turned Ready) goes to one drainer. Each counts the grants it has seen through its watch,
 * `disruptionsAllowed` plus every pod its statuses named in `disruptedPods`, and may claim
 * `floor(grants × share + phase)` evictions: as the grants grow by one drainer's worth, each drainer's claim
 * steps once, at the point its phase sets, so their claims follow one another instead of coming at once
 * and add up to the grants, whatever the watch's delay.
 *
 * It relies on how the two writers of the status count: the eviction subresource moves one from
 * `disruptionsAllowed` into `disruptedPods` as it accepts an eviction (checkAndDecrement,
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/core/pod/storage/eviction.go), and the
 * disruption controller drops the name once the pod is seen deleting and recomputes `disruptionsAllowed`
 * from the healthy pods, so a replacement turning Ready adds one
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/disruption/disruption.go).
 */
export interface BudgetShare {
  /** The grants at the last look; undefined before the first. */
  granted: number | undefined;
  /** The pods named in `disruptedPods` so far, at the last look. */
  spentSeen: number;
  /** Grants are counted from the first look: the room it showed, not the evictions before. */
  baseline: number;
  /** Where this drainer's claims step, in [0, 1). */
  phase: number;
  /** Claims launched so far (a claim not accepted is given back). */
  launched: number;
  /** The room the status shows, as grants oldest first (when each appeared): its age tells room unclaimed. */
  room: Array<{ at: number; units: number }>;
}

/** Far below one drainer's part of a grant (1 / drains at once), far above floating-point error. */
const STEP_EPSILON = 1e-9;

export function newBudgetShare(): BudgetShare {
  return { granted: undefined, spentSeen: 0, baseline: 0, phase: 0, launched: 0, room: [] };
}

/**
 * A new status of the budget: `allowed` its `disruptionsAllowed`, `spent` the pods its statuses have
 * named in `disruptedPods` so far. `phase` is read at the first look only.
 */
export function noteGrants(
  share: BudgetShare,
  status: { allowed: number; spent: number },
  now: number,
  phase: () => number,
): void {
  const allowed = Math.max(0, status.allowed);
  const { spent } = status;
  if (share.granted === undefined) {
    share.baseline = spent;
    share.phase = phase();
  } else {
    // Evictions (anyone's) spend the oldest room first.
    let used = spent - share.spentSeen;
    while (used > 0 && share.room.length > 0) {
      const oldest = share.room[0] as { at: number; units: number };
      const take = Math.min(used, oldest.units);
      oldest.units -= take;
      used -= take;
      if (oldest.units === 0) share.room.shift();
    }
  }
  share.granted = allowed + spent;
  share.spentSeen = spent;
  // The room as the status shows it: new room is this moment's, room taken back goes newest first.
  let units = share.room.reduce((sum, grant) => sum + grant.units, 0);
  if (units < allowed) share.room.push({ at: now, units: allowed - units });
  while (units > allowed) {
    const newest = share.room[share.room.length - 1] as { at: number; units: number };
    const take = Math.min(units - allowed, newest.units);
    newest.units -= take;
    units -= take;
    if (newest.units === 0) share.room.pop();
  }
}

/** This drainer may claim one more eviction: `fraction` is its drains over all the drains at once. */
export function mayClaim(share: BudgetShare, fraction: number): boolean {
  const granted = (share.granted ?? 0) - share.baseline;
  // The epsilon keeps a step that lands exactly on a whole number (5 × 1/3 + 1/3) from rounding below it.
  return Math.floor(granted * fraction + share.phase + STEP_EPSILON) - share.launched >= 1;
}

/** Since when room has stood unclaimed (the oldest grant the status still shows), if any. */
export function unclaimedSince(share: BudgetShare): number | undefined {
  return share.room[0]?.at;
}

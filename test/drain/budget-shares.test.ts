import { describe, expect, it } from "vitest";
import { mayClaim, newBudgetShare, noteGrants, unclaimedSince } from "../../src/drain/budget-shares.js";

/** Claims every drainer may make now, launching each. */
function claimAll(shares: ReturnType<typeof newBudgetShare>[], fraction: number): number[] {
  return shares.map((share) => {
    let claimed = 0;
    while (mayClaim(share, fraction)) {
      share.launched += 1;
      claimed += 1;
    }
    return claimed;
  });
}

describe("budget shares", () => {
  it("three drainers at even places claim each grant once between them, one after another", () => {
    const shares = [0, 1, 2].map(() => newBudgetShare());
    const see = (allowed: number, spent: number, now: number) => {
      for (const [place, share] of shares.entries())
        noteGrants(share, { allowed, spent }, now, () => place / 3);
    };

    // The first look shows room for 3: one each.
    see(3, 0, 0);
    expect(claimAll(shares, 1 / 3)).toEqual([1, 1, 1]);
    // Their evictions spend it; nothing more to claim.
    see(0, 3, 100);
    expect(claimAll(shares, 1 / 3)).toEqual([0, 0, 0]);
    // Replacements turn Ready one at a time: each new grant goes to exactly one drainer, in turn.
    const claimed: number[][] = [];
    for (let grant = 1; grant <= 3; grant += 1) {
      see(grant, 3, 100 + grant * 100);
      claimed.push(claimAll(shares, 1 / 3));
    }
    expect(claimed.map((round) => round.reduce((sum, n) => sum + n, 0))).toEqual([1, 1, 1]);
    expect(claimed.flat().filter((n) => n > 0)).toHaveLength(3);
    expect(shares.map((share) => share.launched)).toEqual([2, 2, 2]);
  });

  it("counts grants from the first look, not the evictions before it", () => {
    const share = newBudgetShare();
    noteGrants(share, { allowed: 2, spent: 40 }, 0, () => 0);
    expect(claimAll([share], 1 / 2)).toEqual([1]);
  });

  it("ages the room: evictions spend the oldest grants first, room taken back goes newest first", () => {
    const share = newBudgetShare();
    noteGrants(share, { allowed: 2, spent: 0 }, 0, () => 0);
    noteGrants(share, { allowed: 3, spent: 0 }, 500, () => 0);
    expect(unclaimedSince(share)).toBe(0);
    // Two evictions spend the two grants of time 0; what is left appeared at 500.
    noteGrants(share, { allowed: 1, spent: 2 }, 600, () => 0);
    expect(unclaimedSince(share)).toBe(500);
    // A pod not Ready any more takes the room back: none left.
    noteGrants(share, { allowed: 0, spent: 2 }, 700, () => 0);
    expect(unclaimedSince(share)).toBeUndefined();
  });
});

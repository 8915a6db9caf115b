/** How many Event writes a drain may spend on details (per-pod events, batches), beyond its milestones. */
export interface EventWriteBudgetOptions {
  /** Writes available at once. */
  burst: number;
  /** Writes regained per minute, up to `burst`. */
  refillPerMinute: number;
}

export const defaultEventWriteBudget: EventWriteBudgetOptions = { burst: 30, refillPerMinute: 6 };

/**
 * A token bucket over event writes, timed by the drain's own clock (the events' `at`), like client-go's
 * per-object spam filter but over the whole drain: a node of 110 pods whose evictions are refused again
 * and again writes at most `burst + refillPerMinute × minutes` detail events.
 */
export class EventWriteBudget {
  private tokens: number;
  private lastAt: number | undefined;

  constructor(private readonly options: EventWriteBudgetOptions = defaultEventWriteBudget) {
    if (!(options.burst >= 0) || !(options.refillPerMinute >= 0)) {
      throw new RangeError(
        `event write budget: burst and refillPerMinute must be ≥ 0, got ${options.burst} and ${options.refillPerMinute}`,
      );
    }
    this.tokens = options.burst;
  }

  /** Spends one write at `at` (epoch ms) if one is left; false when the detail must be dropped or deferred. */
  take(at: number): boolean {
    this.refill(at);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(at: number): void {
    if (this.lastAt !== undefined && at > this.lastAt) {
      const regained = ((at - this.lastAt) / 60_000) * this.options.refillPerMinute;
      this.tokens = Math.min(this.options.burst, this.tokens + regained);
    }
    if (this.lastAt === undefined || at > this.lastAt) this.lastAt = at;
  }
}

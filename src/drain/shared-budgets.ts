import { BudgetBoard } from "./budget-board.js";
import { BudgetGates } from "./budget-gates.js";
import type { ClusterPort } from "./cluster-port.js";
import type { DrainPolicy } from "./policy.js";

/**
 * What the drains of one process share (the CLI draining several nodes, the queue worker): one watch of
 * the budgets and one gate per budget, so that the process never sends more evictions under a budget than
 * its status allows, however many of its drains have pods under it. Other processes are met by turns
 * (budget-turns.ts), taken once for the whole process.
 */
export class SharedBudgets {
  readonly board = new BudgetBoard();
  readonly gates: BudgetGates;

  constructor(options: { policy: DrainPolicy; random: () => number; identity: string }) {
    const board = this.board;
    this.gates = new BudgetGates(
      {
        budget: (key) => board.budget(key),
        budgetRevisionOf: (key) => board.revisionOf(key),
        wasDisrupted: (key, podName) => board.wasDisrupted(key, podName),
        disruptedCountOf: (key) => board.disruptedCountOf(key),
      },
      options.policy.budgetBackoff,
      options.random,
      { identity: options.identity, windowMs: options.policy.budgetTurnWindowMs },
    );
  }

  /** Starts the one watch of the budgets, through a client that outlives every drain that uses it. */
  open(cluster: ClusterPort): void {
    this.board.open(cluster);
  }

  close(): void {
    this.board.close();
  }
}

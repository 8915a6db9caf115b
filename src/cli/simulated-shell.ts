import type { NoticeOutcome } from "../lifecycle/index.js";

/** One delivery of the notice to a shell: a Lambda invocation, or a queue message handled by the worker. */
export interface InvocationRecord {
  attempt: number;
  startedAt: number;
  endedAt: number;
  outcome?: NoticeOutcome;
  error?: string;
}

/** The shell `simulate` drives (`--via lambda|worker`): it delivers the lifecycle event and what follows. */
export interface SimulatedShell {
  /** How the timeline names where the event goes. */
  via: string;
  /** Delivers `event` and everything that follows until nothing is left, the time is up or `signal` aborts. */
  deliver(
    event: unknown,
    until: { giveUpAt: number; signal: AbortSignal },
  ): Promise<{ invocations: InvocationRecord[]; stoppedEarly?: string }>;
  close(): Promise<void>;
}

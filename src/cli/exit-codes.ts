/**
 * The CLI's exit codes, one list (printed by `eks-node-drainer --help`):
 * - 0: done (drained, planned, simulated with the lifecycle action completed);
 * - 1: an error (unknown node or instance, unreachable API server, bad kubeconfig or scenario, a failed drain);
 * - 2: the deadline was reached (pods were forced or left, per --on-deadline);
 * - 64: a usage error (unknown flag or command, bad flag value), as BSD's EX_USAGE;
 * - 130: interrupted (Ctrl-C); the drain's state is saved on the node and a new run continues it.
 */
export const EXIT = {
  ok: 0,
  error: 1,
  deadline: 2,
  usage: 64,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0    done: the node is drained (or planned, or the simulation completed its lifecycle action)
  1    error: unknown node or instance, unreachable API server, bad kubeconfig or scenario, failed drain
  2    deadline reached: pods were forced (--on-deadline force) or left (--on-deadline leave)
  64   usage error: unknown command or flag, bad flag value
  130  interrupted: the drain's state is saved on the node; run the command again to continue`;

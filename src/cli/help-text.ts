import { EXIT_CODES_HELP } from "./exit-codes.js";

/** The help of each command, printed by `--help` (and on a usage error's request). */

const outputHelp = `Output:
  -o, --output text|json      text (default), or one JSON document on stdout for scripts
      --log-format text|json  progress on stderr as text lines (default) or JSON lines
  -v, --verbose               more progress detail; stack traces on errors
  -h, --help                  this help`;

const clusterHelp = `Cluster:
      --kubeconfig FILE       kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config)
      --context NAME          kubeconfig context (default: its current context)
      --request-timeout DUR   timeout of each API request (default 30s)`;

const policyHelp = `Drain policy:
      --timeout DUR           the drain's deadline from now, e.g. 10m or 90s (default 1h); a drain
                              resumed from the node's saved state keeps its own deadline
  -l, --pod-selector SEL      drain only pods matching this label selector
      --include-daemonsets    evict DaemonSet pods too, last
      --on-deadline leave|force
                              leave (default, kubectl's --timeout): stop at the deadline and leave what
                              is left, deleting nothing; force: at (deadline - a pod's grace) delete
                              what is left with its grace cut to the time left (at least 1s), budgets
                              or not (the Lambda's default: its instance terminates anyway)`;

export const mainHelp = `eks-node-drainer: drain Kubernetes nodes before EC2 Auto Scaling terminates them.

Usage:
  eks-node-drainer drain <node-name | instance-id> [flags]   cordon, evict honouring budgets, wait
  eks-node-drainer plan <node-name | instance-id> [flags]    what a drain would do now, changing nothing
  eks-node-drainer simulate [scenario-file] [flags]          the full path against a simulated cluster
  eks-node-drainer <command> --help                          the command's flags

Results go to stdout, progress and errors to stderr.

${EXIT_CODES_HELP}
`;

export const drainHelp = `Usage: eks-node-drainer drain <node-name | instance-id> [flags]

Cordons the node, evicts its pods through the Eviction API tier by tier (ordinary, critical, then
DaemonSets if asked), honouring PodDisruptionBudgets and each pod's grace period, and waits until they
are gone. An instance ID (i-...) is matched to its node through spec.providerID. The drain's state is
kept on the node: after an interruption, the same command continues it.

  --dry-run                   plan only: print what would happen, change nothing
  --grace-period SECONDS      give each pod at most this long to stop (default -1: the pod's own)
  --report FILE.html          also write the drain's timeline as one self-contained HTML page

Lifecycle hook (needs AWS credentials):
  --complete-lifecycle-action complete the instance's terminate lifecycle action once the pods are gone
                              (drained, or forced at the deadline); heartbeats keep it waiting meanwhile
  --asg NAME                  its Auto Scaling group (required with --complete-lifecycle-action)
  --hook NAME                 its lifecycle hook (required with --complete-lifecycle-action)
  --result CONTINUE|ABANDON   the completion's result (default CONTINUE)
  --region REGION             AWS region (default: the SDK's, e.g. $AWS_REGION)

${policyHelp}

${clusterHelp}

${outputHelp}

${EXIT_CODES_HELP}
`;

export const planHelp = `Usage: eks-node-drainer plan <node-name | instance-id> [flags]

Shows what a drain would do now, without changing anything: for each pod its action (evict, skip,
wait, force, refuse) and reason, its tier, its PodDisruptionBudget and disruptionsAllowed; the blockers
(a single replica under minAvailable 1, a pod under two budgets, an opted-out pod); and an estimate of
the drain's duration.

  --report FILE.html          also write the timeline the estimate expects as one self-contained HTML page

${policyHelp}

${clusterHelp}

${outputHelp}

Exit codes: 0 planned, 1 error, 64 usage error.
`;

export const simulateHelp = `Usage: eks-node-drainer simulate [scenario-file] [flags]

Runs the production path against a simulated cluster: starts a simulated Kubernetes API server for the
scenario (default: scenarios/default.yaml of this package) and a simulated Auto Scaling group, sends the
terminate lifecycle event for the instance behind the scenario's drainNode into the Lambda handler, and
prints a timeline (cordon, evictions, budget refusals, pods gone, heartbeats, the completion) and a
summary checked against the simulator's record of budget violations. It waits for the drained
workloads' replacements to be Ready, then reports, per workload that had pods on the node
(availability: desired, minReady, zeroReadySeconds, belowDesiredSeconds, restored), its Ready replicas
over the run.

      --timeout DUR           give up on the simulation after this long (default 5m)
      --heartbeat-timeout DUR the hook's HeartbeatTimeout, 30s to 2h (default 30s: a heartbeat every 15s)
      --lambda-timeout DUR    each invocation's time limit, 31s to 15m (default 15m); a short one shows
                              the drain handed from invocation to invocation through continuations
      --report FILE.html      also write the timeline as one self-contained HTML page (one lane per
                              pod, the budgets, tiers, heartbeats, invocations, the critical path)

${outputHelp}

Exit codes: 0 the lifecycle action completed with CONTINUE and no budget was violated; 1 otherwise or
on error (bad scenario file); 64 usage error.
`;

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
      --pod-selector SEL      drain only pods matching this label selector
      --include-daemonsets    evict DaemonSet pods too, last
      --ignore-daemonsets     accepted for kubectl's scripts: DaemonSet pods are left alone anyway
                              (unless --include-daemonsets)
      --delete-emptydir-data  accepted for kubectl's scripts: pods with emptyDir volumes are evicted
                              anyway (their node is going away; plan and the progress warn about them)
      --force                 accepted for kubectl's scripts: pods without a controller are evicted
                              anyway (they are not recreated; plan and the progress warn about them)
      --skip-wait-for-delete-timeout SECONDS
                              stop waiting for a pod deleted more than SECONDS ago (default 0: wait)
      --disable-eviction      delete pods instead of evicting them: the API server no longer checks
                              PodDisruptionBudgets (the drain still paces by their status); a warning
      --on-deadline leave|force
                              leave (default, kubectl's --timeout): stop at the deadline and leave what
                              is left, deleting nothing; force: at (deadline - a pod's grace) delete
                              what is left with its grace cut to the time left (at least 1s), budgets
                              or not (the Lambda's ON_DEADLINE, whose default is force: its instance
                              terminates anyway)
      --surge off|annotated|singletons|blocked
                              start a Deployment's replacement and wait until it is Ready before
                              evicting: for Deployments annotated eks-node-drainer/surge: "true"
                              (default), also single replicas, also those whose budget never allows
                              an eviction; replicas are restored after the eviction
      --unreachable-after DUR a node not Ready this long is unreachable: its pods stuck terminating past
                              their grace count as gone (default 60s; the Lambda's
                              UNREACHABLE_AFTER_SECONDS)
      --out-of-service-taint  taint an unreachable node node.kubernetes.io/out-of-service so that its
                              volumes detach (OUT_OF_SERVICE_TAINT); uncordon removes it
      --max-evictions-per-owner N
                              evict pods that keep coming back to the node (same owner) at most N times
                              each drain, then leave them to the deadline (default 2;
                              MAX_EVICTIONS_PER_OWNER)`;

export const mainHelp = `eks-node-drainer: drain Kubernetes nodes before EC2 Auto Scaling terminates them.

Usage:
  eks-node-drainer drain <node-name | instance-id>... [flags] cordon, evict honouring budgets, wait
  eks-node-drainer uncordon <node-name | instance-id> [flags] undo what a drain changed on the node
  eks-node-drainer plan <node-name | instance-id> [flags]    what a drain would do now, changing nothing
  eks-node-drainer report <node-name | instance-id> --report FILE.html
                                                             the timeline page of a drain that ran elsewhere
  eks-node-drainer simulate [scenario-file] [flags]          the full path against a simulated cluster
  eks-node-drainer serve --queue-url URL [flags]             the in-cluster queue worker
  eks-node-drainer <command> --help                          the command's flags
  eks-node-drainer --version                                 the package's version

Results go to stdout, progress and errors to stderr.

${EXIT_CODES_HELP}
`;

export const drainHelp = `Usage: eks-node-drainer drain <node-name | instance-id>... [flags]
       eks-node-drainer drain --selector SEL [flags]

Cordons the node, evicts its pods through the Eviction API tier by tier (ordinary, critical, then
DaemonSets if asked), honouring PodDisruptionBudgets and each pod's grace period, and waits until they
are gone. An instance ID (i-...) is matched to its node through spec.providerID. Several nodes (names,
instance IDs, or --selector) are drained together: all are cordoned before the first eviction. The
drain's state is kept on the node: after an interruption, the same command continues it. A pod that
comes back to the node (it tolerates the cordon) is evicted at most twice per owner, then left.

  -l, --selector SEL          drain the nodes matching this label selector (as kubectl's -l)
      --dry-run[=client]      plan only: print what would happen, change nothing; --dry-run=server
                              plans the same way (no dry-run writes are sent); none (default) drains
      --grace-period SECONDS  give each pod at most this long to stop (default -1: the pod's own)
      --report FILE.html      also write the drain's timeline as one self-contained HTML page (one node)

Lifecycle hook (needs AWS credentials):
  --complete-lifecycle-action complete the instance's terminate lifecycle action once the pods are gone
                              (drained, or forced at the deadline); heartbeats keep it waiting meanwhile;
                              one node only
  --asg NAME                  its Auto Scaling group (required with --complete-lifecycle-action)
  --hook NAME                 its lifecycle hook (required with --complete-lifecycle-action)
  --result CONTINUE|ABANDON   the completion's result (default CONTINUE)
  --deadline-result abandon|default-result
                              when the drain is left at its deadline (--on-deadline leave): complete
                              with ABANDON, or leave the action to the hook's DefaultResult (default;
                              the Lambda's DEADLINE_RESULT)
  --region REGION             AWS region (default: the SDK's, e.g. $AWS_REGION)

${policyHelp}

${clusterHelp}

${outputHelp}

${EXIT_CODES_HELP}
`;

export const uncordonHelp = `Usage: eks-node-drainer uncordon <node-name | instance-id> [flags]

Undoes what a drain changed on the node, and only that: uncordons it if the drain cordoned it, removes
the eks-node-drainer/draining taint and the node.kubernetes.io/exclude-from-external-load-balancers
label if the drain added them (and the out-of-service taint it set on an unreachable node), and clears
the drain's state annotations. A cordon, taint or label that was there before the drain stays. It is the
same restore the drainer applies when an instance comes back from a warm pool or a root-volume
replacement. A later drain of the node starts anew.

      --dry-run               say what would be undone, change nothing

${clusterHelp}

${outputHelp}

Exit codes: 0 restored (or nothing to restore), 1 error, 64 usage error.
`;

export const reportHelp = `Usage: eks-node-drainer report <node-name | instance-id> --report FILE.html [flags]

Writes the self-contained HTML timeline that drain --report writes, for a drain that ran elsewhere (the
Lambda, the in-cluster worker), reconstructed from what the cluster keeps: the node's drain state
annotation (start, deadline, phase, outcome, counts, forced pods) and the Kubernetes Events the drainer
wrote on the node and its pods. Events carry less than a live recording: evictions are placed at their
batch Event (up to 10 s late, or at the end of a tier), a pod is drawn gone at the drain's next milestone,
budgets are seen only through refusals, and no heartbeat is known. Events expire: the API server keeps
them for its --event-ttl, one hour by default, so report within the hour or only the node's state is left.

      --report FILE.html      write the page here
  -o, --output json           print the reconstructed record (the page's data) on stdout

${clusterHelp}

${outputHelp}

Exit codes: 0 written, 1 error (unknown node, no drain state and no drainer Events), 64 usage error.
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
terminate lifecycle event for the instance behind the scenario's drainNode into the Lambda handler (or,
with --via worker, onto a simulated notices queue that the queue worker of \`serve\` handles), and
prints a timeline (cordon, evictions, budget refusals, pods gone, heartbeats, the completion) and a
summary checked against the simulator's record of budget violations. It waits for the drained
workloads' replacements to be Ready, then reports, per workload that had pods on the node
(availability: desired, minReady, zeroReadySeconds, belowDesiredSeconds, restored), its Ready replicas
over the run. Both shells run the same lifecycle job
and give the same --output json document. A scenario with targetGroups adds a local ELBv2 endpoint and
reports, per target group the node had targets in, when they were deregistered against the completion
(targets); a scenario with spot sends the Spot interruption warning (and a rebalance recommendation, the
terminate hook) at their times and reports the warning's drain against its two minutes (spot).

A scenario with a lifecycle: script (and autoScaling: options) plays Auto Scaling's side instead: each
terminate, launch, root-volume replacement or operator cordon/uncordon in order, warm pools and launch
hooks included; --output json then lists every lifecycleActions entry (transition, origin,
destination, result, completedAfterSeconds) and the drained node as it ends (nodeAfter).

      --via lambda|worker     the shell the event goes through (default lambda)
      --timeout DUR           give up on the simulation after this long (default 5m)
      --heartbeat-timeout DUR the hook's HeartbeatTimeout, 30s to 2h (default 30s: a heartbeat every 15s)
      --lambda-timeout DUR    each invocation's time limit, 31s to 15m (default 15m); a short one shows
                              the drain handed from invocation to invocation through continuations
                              (--via lambda only)
      --report FILE.html      also write the timeline as one self-contained HTML page (one lane per
                              pod, the budgets, tiers, heartbeats, invocations, the critical path)
      --surge MODE            the Lambda's SURGE setting: off, annotated, singletons or blocked
                              (default annotated)
      --drain-timeout DUR     the Lambda's DRAIN_TIMEOUT_SECONDS: the drain's deadline (default 1h; the
                              hook's global timeout, 100 × heartbeat timeout, also bounds it)

${outputHelp}

Exit codes: 0 every lifecycle action completed with CONTINUE and no budget was violated; 1 otherwise or
on error (bad scenario file); 64 usage error.
`;

export const serveHelp = `Usage: eks-node-drainer serve --queue-url URL --cluster-name NAME [flags]

The in-cluster queue worker: long-polls the notices queue (the SQS queue the CDK construct or the
CloudFormation template creates, fed by the lifecycle hooks' EventBridge rule), and for each message
runs the same lifecycle job as the Lambda: find the instance's node, cordon, evict honouring budgets,
heartbeat the lifecycle action meanwhile, and complete it. A message is deleted once its notice is
handled, kept invisible while its drain runs, and given back when the notice fails (retried after
--retry-delay; after the queue's maxReceiveCount it goes to the dead-letter queue). On SIGTERM the
worker stops polling, stops its drains with their state saved on the nodes, hands their messages back
at once for another replica, and exits 0. Several replicas may run: one drain per notice (a lease on
the node). Kubernetes is reached with the pod's service account (in-cluster config) unless --kubeconfig
is given; AWS with the default credential chain (IRSA or EKS Pod Identity). The Lambda's settings are
read from the environment too (SURGE, LAUNCH_SETTLE_SECONDS, WAIT_FOR_TARGET_DEREGISTRATION, ...); the
flags below win for the settings they carry.

Queue:
      --queue-url URL           the notices queue (required)
      --region REGION           AWS region (default: the SDK's, e.g. $AWS_REGION)
      --concurrency N           notices handled at once, 1 to 100 (default 4)
      --wait-time DUR           ReceiveMessage long polling, 0s to 20s (default 20s)
      --visibility-timeout DUR  how long a received message stays invisible; extended every third of
                                it while its drain runs, so a crashed worker's message reappears within
                                it (default 60s)
      --retry-delay DUR         a failed notice's message becomes visible again after this (default 30s)

Cluster:
      --cluster-name NAME       the cluster this worker runs in (required): notices whose hook names
                                another cluster are ignored
      --asg-names A,B           serve only these Auto Scaling groups (default: every group)
      --kubeconfig FILE         kubeconfig to use instead of the pod's service account
      --context NAME            kubeconfig context (default: its current context)
      --request-timeout DUR     timeout of each API request (default 30s)

Drain:
      --drain-timeout DUR       upper bound of a drain from the lifecycle action's start (default 1h);
                                the hook's own global timeout bounds it too
      --on-deadline force|leave at the deadline: delete what is left then CONTINUE (default), or leave
                                it and answer as --deadline-result says (abandon and default-result:
                                older spellings of leave with that --deadline-result)
      --deadline-result abandon|default-result
                                a drain left at its deadline: complete ABANDON, or make no call and let
                                the hook's DefaultResult apply (default; DEADLINE_RESULT)
      --evict-daemonsets        evict DaemonSet pods too, last
      --delete-node             delete the Node object after a successful drain
      --settle DUR              wait this long after the drain before completing (default 0s)
      --skip-volume-detach-wait complete without waiting for the drained pods' volumes to detach

Notifications:
      --notify-topic-arn ARN    SNS topic for drain started / finished / failed
      --webhook-url-parameter ARN
                                SSM SecureString or Secrets Manager secret holding a webhook URL

Serving:
      --listen [HOST]:PORT      /healthz, /readyz and Prometheus /metrics (default :8080)
      --log-format json|text    log lines on stderr (default json)
  -v, --verbose                 log every drain step too
  -h, --help                    this help

Exit codes: 0 stopped by SIGTERM or Ctrl-C with every message settled, 1 error, 64 usage error.
`;

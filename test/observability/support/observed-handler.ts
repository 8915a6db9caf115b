import { randomUUID } from "node:crypto";
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { EksClusterAccess } from "../../../src/aws/cluster-access.js";
import { TokenMinter } from "../../../src/aws/token-minter.js";
import {
  createHandler,
  type DrainerHandler,
  type HandlerDependencies,
} from "../../../src/lambda/create-handler.js";
import type { InvocationContext, InvocationSummary } from "../../../src/lambda/invocation-shell.js";
import type { JobLog } from "../../../src/lifecycle/job-log.js";
import { readSettings } from "../../../src/lifecycle/settings.js";
import { seededRandom } from "../../../src/random/seeded-random.js";
import type { SimulatedAutoScalingGroup } from "../../../src/sim/auto-scaling-group.js";
import { type Clock, parseScenario, type SimCluster } from "../../../src/sim/index.js";
import { startSimulatedDeployment } from "../../../src/sim/simulated-deployment.js";
import { shiftedClock } from "../../lambda/support/shifted-clock.js";

export const functionArn = "arn:aws:lambda:us-west-2:123456789012:function:eks-node-drainer:live";
/** Fake credentials: the EKS tokens are really signed with them, and must never be logged. */
export const credentials = {
  accessKeyId: "AKIDOBSERVABILITY01",
  secretAccessKey: "c2VjcmV0LWtleS1vZi10aGUtb2JzZXJ2YWJpbGl0eS10ZXN0",
};

export interface ObservedHarnessOptions {
  scenario: string;
  env?: Record<string, string>;
  log: JobLog;
  /** Extra dependencies of the handler (metrics, notifier setup, kube events...). */
  dependencies?: Partial<HandlerDependencies>;
  /** Whether the API server accepts a bearer token (all `k8s-aws-v1.` tokens by default). */
  acceptToken?: (bearer: string) => boolean;
}

export interface ObservedHarness {
  sim: SimCluster;
  asg: SimulatedAutoScalingGroup;
  clock: Clock;
  handler: DrainerHandler;
  /** Every bearer token the API server saw. */
  tokens: Set<string>;
  invokeDirect(event: unknown, budgetMs?: number): Promise<InvocationSummary>;
  /** Invokes with `event`, then with every continuation the handler schedules, until none is left. */
  runToEnd(event: unknown, budgetMs: number): Promise<{ invocations: number }>;
  stop(): Promise<void>;
}

/**
 * The real handler against a simulated cluster, reached the way the Lambda reaches EKS: DescribeCluster
 * (mocked) and EKS tokens minted in process from credentials, so that a leak of either would show.
 */
export async function startObservedHarness(options: ObservedHarnessOptions): Promise<ObservedHarness> {
  const clock = shiftedClock("2026-11-24T10:06:00Z");
  const tokens = new Set<string>();
  const accept = options.acceptToken ?? (() => true);
  const deployment = await startSimulatedDeployment({
    scenario: parseScenario(options.scenario, "observability test"),
    clusterName: "prod",
    clock,
    sim: {
      acceptToken: (bearer) => {
        tokens.add(bearer);
        return bearer.startsWith("k8s-aws-v1.") && accept(bearer);
      },
    },
  });
  const { sim, asg } = deployment;
  const eks = new EKSClient({ region: "us-west-2", credentials });
  const eksMock = mockClient(eks);
  eksMock.on(DescribeClusterCommand).resolves({
    cluster: {
      name: "prod",
      status: "ACTIVE",
      endpoint: sim.server,
      certificateAuthority: { data: sim.caData },
    },
  });
  const lambda = new LambdaClient({ region: "us-west-2", credentials });
  const continuations: unknown[] = [];
  const lambdaMock = mockClient(lambda);
  lambdaMock.on(InvokeCommand).callsFake((input: { Payload?: Uint8Array }) => {
    continuations.push(JSON.parse(new TextDecoder().decode(input.Payload)));
    return { StatusCode: 202 };
  });
  const minter = new TokenMinter({ region: "us-west-2", credentials: async () => credentials, clock });
  const handler = createHandler({
    settings: readSettings({ CLUSTER_NAME: "prod", ...options.env }),
    lifecycle: asg,
    clusterAccess: new EksClusterAccess({ eks, region: "us-west-2", clock, tokens: minter }),
    instances: deployment.instances,
    sqs: new SQSClient({ region: "us-west-2", credentials }),
    lambda,
    log: options.log,
    clock,
    timing: { invocationMarginMs: 0 },
    policy: { transientBackoff: { initialMs: 100, maxMs: 1_000 } },
    kube: { pollIntervalMs: 500 },
    random: seededRandom(5),
    ...options.dependencies,
  });
  const context = (budgetMs: number): InvocationContext => {
    const endsAt = Date.now() + budgetMs;
    return {
      awsRequestId: randomUUID(),
      invokedFunctionArn: functionArn,
      getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
    };
  };
  const invokeDirect = async (event: unknown, budgetMs = 60_000) =>
    (await handler(event, context(budgetMs))) as InvocationSummary;
  return {
    sim,
    asg,
    clock,
    handler,
    tokens,
    invokeDirect,
    runToEnd: async (event, budgetMs) => {
      let invocations = 0;
      for (let next: unknown = event; next !== undefined; next = continuations.shift()) {
        if (invocations >= 40) throw new Error(`still continuing after ${invocations} invocations`);
        invocations += 1;
        await invokeDirect(next, budgetMs);
      }
      return { invocations };
    },
    stop: async () => {
      await handler.close();
      eksMock.restore();
      lambdaMock.restore();
      await deployment.stop();
    },
  };
}

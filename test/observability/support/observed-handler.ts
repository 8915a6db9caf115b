import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { EksClusterAccess } from "../../../src/aws/cluster-access.js";
import { TokenMinter } from "../../../src/aws/token-minter.js";
import type { HandlerDependencies } from "../../../src/lambda/create-handler.js";
import type { JobLog } from "../../../src/lifecycle/job-log.js";
import { type LambdaHarness, startLambdaHarness } from "../../lambda/support/lambda-harness.js";

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

export interface ObservedHarness
  extends Pick<LambdaHarness, "sim" | "asg" | "clock" | "handler" | "invokeDirect"> {
  /** Every bearer token the API server saw. */
  tokens: Set<string>;
  /** Invokes with `event`, then with every continuation the handler schedules, until none is left. */
  runToEnd(event: unknown, budgetMs: number): Promise<{ invocations: number }>;
  stop(): Promise<void>;
}

/**
 * The Lambda harness (../../lambda/support/lambda-harness.ts) reaching the simulated cluster the way the
 * Lambda reaches EKS: DescribeCluster (mocked) and EKS tokens minted in process from credentials, so that
 * a leak of either would show.
 */
export async function startObservedHarness(options: ObservedHarnessOptions): Promise<ObservedHarness> {
  const tokens = new Set<string>();
  const accept = options.acceptToken ?? (() => true);
  const eks = new EKSClient({ region: "us-west-2", credentials });
  const eksMock = mockClient(eks);
  const harness = await startLambdaHarness({
    scenario: options.scenario,
    clusterName: "prod",
    env: { QUEUE_URL: "", ...options.env },
    log: options.log,
    ...(options.dependencies === undefined ? {} : { dependencies: options.dependencies }),
    sim: () => ({
      acceptToken: (bearer) => {
        tokens.add(bearer);
        return bearer.startsWith("k8s-aws-v1.") && accept(bearer);
      },
    }),
    clusterAccess: (sim, clock) => {
      eksMock.on(DescribeClusterCommand).resolves({
        cluster: {
          name: "prod",
          status: "ACTIVE",
          endpoint: sim.server,
          certificateAuthority: { data: sim.caData },
        },
      });
      const minter = new TokenMinter({ region: "us-west-2", credentials: async () => credentials, clock });
      return new EksClusterAccess({ eks, region: "us-west-2", clock, tokens: minter });
    },
  });
  return {
    sim: harness.sim,
    asg: harness.asg,
    clock: harness.clock,
    handler: harness.handler,
    invokeDirect: harness.invokeDirect,
    tokens,
    runToEnd: (event, budgetMs) => harness.runToEnd({ mode: "direct", event }, budgetMs),
    stop: async () => {
      await harness.stop();
      eksMock.restore();
    },
  };
}

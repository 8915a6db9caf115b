import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { EksClusterAccess } from "../../../src/aws/cluster-access.js";
import { TokenMinter, type TokenMinterOptions } from "../../../src/aws/token-minter.js";
import type { SimCluster } from "../../../src/sim/index.js";
import type { Clock } from "../../../src/time/clock.js";

export const exampleCredentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY",
};

/**
 * EKS access as the Lambda builds it, with DescribeCluster answered with the simulated cluster's endpoint
 * and CA, and tokens minted in process on the test's clock.
 */
export function simulatedEksAccess(
  sim: SimCluster,
  clock: Clock,
  minting: Partial<Pick<TokenMinterOptions, "credentials" | "reuseMs">> = {},
): EksClusterAccess {
  const eks = new EKSClient({ region: "us-west-2", credentials: exampleCredentials });
  mockClient(eks)
    .on(DescribeClusterCommand)
    .resolves({
      cluster: {
        name: "prod",
        status: "ACTIVE",
        endpoint: sim.server,
        certificateAuthority: { data: sim.caData },
      },
    });
  const minter = new TokenMinter({
    region: "us-west-2",
    credentials: minting.credentials ?? (async () => exampleCredentials),
    clock,
    ...(minting.reuseMs === undefined ? {} : { reuseMs: minting.reuseMs }),
  });
  return new EksClusterAccess({ eks, region: "us-west-2", clock, tokens: minter });
}

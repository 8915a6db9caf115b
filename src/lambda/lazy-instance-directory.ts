import type { InstanceDirectory, InstanceFacts } from "../aws/instance-directory.js";

/**
 * EC2 lookups over DescribeInstances, with the EC2 client loaded on first use. Most notices never need
 * EC2 (the node is found by providerID, the cluster named by the hook or the settings), and that client
 * alone would more than double the bundle's load time on every cold start.
 */
export function lazyEc2InstanceDirectory(region: string): InstanceDirectory {
  let loading: Promise<InstanceDirectory> | undefined;
  const load = async (): Promise<InstanceDirectory> => {
    const [{ EC2Client }, { Ec2InstanceDirectory }] = await Promise.all([
      import("@aws-sdk/client-ec2"),
      import("../aws/instance-directory.js"),
    ]);
    return new Ec2InstanceDirectory(new EC2Client({ region }));
  };
  return {
    async describe(instanceId: string): Promise<InstanceFacts | undefined> {
      const current = loading ?? load();
      loading = current;
      try {
        return await (await current).describe(instanceId);
      } finally {
        // A failed load is not kept: the next lookup tries again.
        await current.catch(() => {
          if (loading === current) loading = undefined;
        });
      }
    },
  };
}

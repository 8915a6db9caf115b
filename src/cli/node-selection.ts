import { toClusterError } from "../kube/api-errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import { CliError } from "./cli-error.js";

/**
 * kubectl drain's --selector (-l): the nodes whose labels match, listed by the API server with a
 * labelSelector, in name order. No match is an error, as kubectl says "No resources found".
 */
export async function nodesMatching(client: KubeClient, selector: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await client.core.listNode({
        labelSelector: selector,
        limit: 500,
        ...(token === undefined ? {} : { _continue: token }),
      });
      for (const node of page.items) if (node.metadata?.name !== undefined) names.push(node.metadata.name);
      token = page.metadata?._continue || undefined;
    } catch (error) {
      throw new CliError(`listing nodes with --selector ${selector}`, {
        cause: toClusterError(`listing nodes`, error),
      });
    }
  } while (token !== undefined);
  if (names.length === 0) throw new CliError(`no node matches --selector ${selector}`);
  return names.sort();
}

/**
 * A barrier for nodes drained together: resolves once each of `count` drains has cordoned its node (or
 * ended before), so that no pod is evicted onto a node that is about to be drained too.
 */
export function cordonBarrier(count: number): { gate: Promise<void>; arrived: (key: string) => void } {
  const seen = new Set<string>();
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    gate,
    arrived: (key) => {
      seen.add(key);
      if (seen.size >= count) open();
    },
  };
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export interface KubeconfigInput {
  readonly server: string;
  /** Base64 of the CA PEM. */
  readonly caData: string;
  readonly token: string;
  readonly name: string;
}

/** A kubeconfig with one cluster, one token user and one current context, all named `name`. */
export function kubeconfigYaml(input: KubeconfigInput): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [
      { name: input.name, cluster: { server: input.server, "certificate-authority-data": input.caData } },
    ],
    users: [{ name: input.name, user: { token: input.token } }],
    contexts: [
      { name: input.name, context: { cluster: input.name, user: input.name, namespace: "default" } },
    ],
    "current-context": input.name,
  });
}

/** Writes the kubeconfig (mode 0600) into a fresh temporary directory; `remove` deletes the directory. */
export async function writeKubeconfig(yaml: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), "eks-node-drainer-sim-"));
  const path = join(directory, "kubeconfig");
  await writeFile(path, yaml, { mode: 0o600 });
  return { path, remove: () => rm(directory, { recursive: true, force: true }) };
}

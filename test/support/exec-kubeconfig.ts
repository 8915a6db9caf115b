import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * A kubeconfig for a simulated cluster whose user runs an exec credential plugin (as `aws eks get-token`
 * is run): a small Node script that counts its runs in a file and prints an ExecCredential with `token`.
 * Written into `directory`; `runs()` reads how often the plugin ran.
 */
export async function execKubeconfig(
  directory: string,
  name: string,
  cluster: { server: string; caData: string; token: string },
): Promise<{ path: string; runs: () => Promise<number> }> {
  const counter = join(directory, `${name}.runs`);
  const plugin = join(directory, `${name}.mjs`);
  await writeFile(counter, "0");
  await writeFile(
    plugin,
    [
      'import { readFileSync, writeFileSync } from "node:fs";',
      `const counter = ${JSON.stringify(counter)};`,
      'writeFileSync(counter, String(Number(readFileSync(counter, "utf8")) + 1));',
      "process.stdout.write(JSON.stringify({",
      '  apiVersion: "client.authentication.k8s.io/v1beta1",',
      '  kind: "ExecCredential",',
      `  status: { token: ${JSON.stringify(cluster.token)} },`,
      "}));",
    ].join("\n"),
  );
  const yaml = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: sim\n  cluster:\n    server: ${cluster.server}\n    certificate-authority-data: ${cluster.caData}`,
    "users:",
    `- name: exec-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ${JSON.stringify(process.execPath)}\n      args: [${JSON.stringify(plugin)}]\n      interactiveMode: Never`,
    "contexts:",
    "- name: sim\n  context:\n    cluster: sim\n    user: exec-user",
    "current-context: sim",
  ].join("\n");
  const path = join(directory, `${name}.kubeconfig`);
  await writeFile(path, yaml, { mode: 0o600 });
  return { path, runs: async () => Number(await readFile(counter, "utf8")) };
}

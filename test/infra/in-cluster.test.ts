import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { projectRoot } from "../../infra/lambda-bundle.js";
import { serveHelp } from "../../src/cli/help-text.js";

const folder = join(projectRoot, "deploy", "in-cluster");
// biome-ignore lint/suspicious/noExplicitAny: Kubernetes manifests read as plain JSON
type Manifest = Record<string, any>;
const manifests: Manifest[] = readdirSync(folder)
  .filter((file) => file.endsWith(".yaml"))
  .flatMap((file) => parseAllDocuments(readFileSync(join(folder, file), "utf8")).map((doc) => doc.toJS()));
const sharedRole = parseAllDocuments(readFileSync(join(projectRoot, "deploy", "rbac.yaml"), "utf8"))
  .map((doc) => doc.toJS() as Manifest)
  .find((doc) => doc.kind === "ClusterRole");

function one(kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Manifest;
}

describe("deploy/in-cluster: the queue worker's manifests", () => {
  const deployment = one("Deployment");
  const account = one("ServiceAccount");
  const binding = one("ClusterRoleBinding");
  const budget = one("PodDisruptionBudget");
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  it("runs `serve` with flags its --help documents, probes on /healthz and /readyz", () => {
    expect(container.args[0]).toBe("serve");
    for (const arg of container.args.slice(1)) {
      const flag = String(arg).split("=")[0];
      expect(serveHelp, flag).toContain(`${flag} `);
    }
    for (const required of ["--queue-url", "--cluster-name", "--region"]) {
      expect(
        container.args.some((arg: string) => arg.startsWith(`${required}=`)),
        required,
      ).toBe(true);
    }
    expect(container.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container.readinessProbe.httpGet.path).toBe("/readyz");
  });

  it("runs as its own service account, non-root, read-only, with time to hand its messages back", () => {
    expect(pod.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it("binds the service account to the one ClusterRole of deploy/rbac.yaml", () => {
    expect(sharedRole?.metadata.name).toBe("eks-node-drainer");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: sharedRole?.metadata.name,
    });
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: account.metadata.name, namespace: account.metadata.namespace },
    ]);
    expect(manifests.filter((manifest) => manifest.kind === "ClusterRole")).toEqual([]);
  });

  it("keeps one worker through disruptions: a budget selecting the Deployment's pods", () => {
    expect(budget.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  it("builds the image in two stages on Node 22 and runs it as a non-root user", () => {
    const dockerfile = readFileSync(join(folder, "Dockerfile"), "utf8");
    const stages = dockerfile.split("\n").filter((line) => line.startsWith("FROM "));
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:22[-\w.]* ?/);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/cli\.mjs"\]$/m);
  });
});

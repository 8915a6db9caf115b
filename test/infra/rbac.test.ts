import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { projectRoot } from "../../infra/lambda-bundle.js";

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const documents = parseAllDocuments(readFileSync(join(projectRoot, "deploy", "rbac.yaml"), "utf8")).map(
  (document) => document.toJS(),
);
const role = documents.find((document) => document.kind === "ClusterRole");
const binding = documents.find((document) => document.kind === "ClusterRoleBinding");

/** Each (apiGroup, resource) the role grants, with its verbs. */
function grants(rules: Rule[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        result[`${group || "core"}/${resource}`] = [
          ...(result[`${group || "core"}/${resource}`] ?? []),
          ...rule.verbs,
        ].sort();
      }
    }
  }
  return result;
}

describe("deploy/rbac.yaml", () => {
  it("grants exactly what a drain needs", () => {
    expect(role?.metadata.name).toBe("eks-node-drainer");
    expect(grants(role?.rules)).toEqual({
      "core/nodes": ["delete", "get", "list", "patch", "watch"],
      "core/pods": ["delete", "get", "list", "watch"],
      "core/pods/eviction": ["create"],
      "policy/poddisruptionbudgets": ["get", "list", "watch"],
      "core/events": ["create", "patch"],
      "events.k8s.io/events": ["create", "patch"],
      "storage.k8s.io/volumeattachments": ["get", "list", "watch"],
      "core/persistentvolumeclaims": ["get"],
      "apps/deployments": ["get", "list", "patch"],
      "autoscaling/horizontalpodautoscalers": ["list"],
      "elbv2.k8s.aws/targetgroupbindings": ["list"],
    });
  });

  it("never grants a wildcard", () => {
    expect(JSON.stringify(role?.rules)).not.toContain("*");
  });

  it("binds the role to the eks-node-drainer group", () => {
    expect(binding?.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "eks-node-drainer",
    });
    expect(binding?.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "eks-node-drainer" },
    ]);
  });
});

describe("deploy/aws-auth-snippet.yaml", () => {
  it("is one mapRoles entry for the same group", () => {
    const entries = parse(readFileSync(join(projectRoot, "deploy", "aws-auth-snippet.yaml"), "utf8"));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ username: "eks-node-drainer", groups: ["eks-node-drainer"] });
    expect(entries[0].rolearn).toMatch(/^arn:aws:iam::\d{12}:role\/[^/]+$/);
  });
});

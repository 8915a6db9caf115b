import { apiVersionOf, type ResourceType, resourceTypes } from "./resource-types.js";

/** Discovery documents (/api, /apis, /api/v1, /apis/GROUP/VERSION, /version) for the served subset. */

const types: ResourceType[] = Object.values(resourceTypes);
const subresources: Readonly<
  Record<string, { name: string; kind: string; group: string; verbs: string[] }[]>
> = {
  "/pods": [{ name: "pods/eviction", kind: "Eviction", group: "policy", verbs: ["create"] }],
};

export const serverVersion = {
  major: "1",
  minor: "31",
  gitVersion: "v1.31.0-sim",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-24T00:00:00Z",
  goVersion: "go1.22.0",
  compiler: "gc",
  platform: "linux/amd64",
};

export function apiVersions(): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
  };
}

export function apiGroups(): unknown {
  const groups = [...new Set(types.map((type) => type.group).filter((group) => group !== ""))].sort();
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups.map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    })),
  };
}

/** The APIResourceList of a group version, or undefined when nothing is served there. */
export function resourceList(group: string, version: string): unknown {
  const served = types.filter((type) => type.group === group && type.version === version);
  if (served.length === 0) return undefined;
  const resources = served.flatMap((type) => [
    {
      name: type.plural,
      singularName: type.kind.toLowerCase(),
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: [...type.verbs],
    },
    ...(subresources[`${type.group}/${type.plural}`] ?? []).map((sub) => ({
      name: sub.name,
      singularName: "",
      namespaced: type.namespaced,
      group: sub.group,
      version: "v1",
      kind: sub.kind,
      verbs: sub.verbs,
    })),
  ]);
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf(served[0] as ResourceType),
    resources,
  };
}

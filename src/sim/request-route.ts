import { pathNotFound } from "./api-status.js";
import { apiGroups, apiVersions, resourceList, serverVersion } from "./discovery.js";
import { findResourceType, type ResourceType } from "./resource-types.js";

/** Where a request path leads. */
export type Route =
  | {
      readonly kind: "resource";
      readonly type: ResourceType;
      readonly namespace?: string;
      readonly name?: string;
      readonly subresource?: string;
    }
  | { readonly kind: "document"; readonly body: unknown; readonly public?: boolean }
  | { readonly kind: "text"; readonly body: string; readonly public: true };

const healthPaths = new Set(["/healthz", "/readyz", "/livez"]);

function resourceRoute(group: string, version: string, rest: readonly string[]): Route {
  const [first, second, third, fourth, fifth, ...extra] = rest;
  if (first === undefined) {
    const list = resourceList(group, version);
    if (!list) throw pathNotFound();
    return { kind: "document", body: list };
  }
  if (first === "namespaces" && third !== undefined) {
    // /namespaces/NS/PLURAL[/NAME[/SUB]]
    if (extra.length > 0) throw pathNotFound();
    const type = findResourceType(group, version, third);
    if (!type?.namespaced || second === undefined) throw pathNotFound();
    return {
      kind: "resource",
      type,
      namespace: second,
      ...(fourth !== undefined ? { name: fourth } : {}),
      ...(fifth !== undefined ? { subresource: fifth } : {}),
    };
  }
  if (fourth !== undefined) throw pathNotFound();
  const type = findResourceType(group, version, first);
  if (!type) throw pathNotFound();
  if (type.namespaced && second !== undefined) throw pathNotFound();
  return {
    kind: "resource",
    type,
    ...(second !== undefined ? { name: second } : {}),
    ...(third !== undefined ? { subresource: third } : {}),
  };
}

/** Resolves a request path; throws a 404 Status for anything the simulated server does not serve. */
export function routeOf(pathname: string): Route {
  const trimmed = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
  // Health and version are readable without credentials, as system:public-info-viewer allows.
  if (healthPaths.has(trimmed)) return { kind: "text", body: "ok", public: true };
  if (trimmed === "/version") return { kind: "document", body: serverVersion, public: true };
  if (trimmed === "/api") return { kind: "document", body: apiVersions() };
  if (trimmed === "/apis") return { kind: "document", body: apiGroups() };
  let segments: string[];
  try {
    segments = trimmed.split("/").slice(1).map(decodeURIComponent);
  } catch {
    throw pathNotFound();
  }
  if (segments.some((segment) => segment === "")) throw pathNotFound();
  const [root, a, b, ...rest] = segments;
  if (root === "api" && a === "v1") return resourceRoute("", "v1", b === undefined ? [] : [b, ...rest]);
  if (root === "apis" && a !== undefined && b !== undefined) return resourceRoute(a, b, rest);
  throw pathNotFound();
}

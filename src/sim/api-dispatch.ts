import { getObject, listObjects, watchRequest } from "./api-reads.js";
import { jsonReply, type Reply, statusReply } from "./api-reply.js";
import { methodNotAllowed, notFound, pathNotFound } from "./api-status.js";
import {
  createObject,
  deletedStatus,
  parseBody,
  patchObject,
  readDeleteOptions,
  updateObject,
} from "./api-writes.js";
import type { BudgetTracker } from "./budget-tracker.js";
import type { ControlPlane } from "./control-plane.js";
import { type EvictionContext, EvictionRefusal, evict } from "./eviction.js";
import type { Pod } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { checkPreconditions, deletePod } from "./pod-deletion.js";
import type { Route } from "./request-route.js";
import { type ResourceType, resourceTypes, type Verb } from "./resource-types.js";

export type ResourceRoute = Extract<Route, { kind: "resource" }>;

export interface ApiCall {
  readonly method: string;
  readonly route: ResourceRoute;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  readonly contentType: string;
}

export interface ApiContext {
  readonly plane: ControlPlane;
  readonly budgets: BudgetTracker;
  readonly eviction: EvictionContext;
}

/** The request's verb as audit logs name it; `deletecollection` is recognised but not served. */
export function verbOf(
  method: string,
  route: ResourceRoute,
  query: URLSearchParams,
): Verb | "deletecollection" | undefined {
  const named = route.name !== undefined;
  switch (method) {
    case "GET":
    case "HEAD": {
      const watch = query.get("watch");
      if (watch === "true" || watch === "1") return "watch";
      return named ? "get" : "list";
    }
    case "POST":
      return named && route.subresource === undefined ? undefined : "create";
    case "PUT":
      return named ? "update" : undefined;
    case "PATCH":
      return named ? "patch" : undefined;
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return undefined;
  }
}

function deleteObject(context: ApiContext, type: ResourceType, call: ApiCall): Reply {
  const { plane } = context;
  const { namespace, name = "" } = call.route;
  const stored = plane.store.get(type, namespace, name);
  if (!stored) throw notFound(type.plural, type.group, name);
  const options = readDeleteOptions(call.body, call.query);
  if (type === resourceTypes.pods) {
    const outcome = deletePod(plane, context.budgets, stored as StoredObject<Pod>, options, "delete");
    return jsonReply(200, outcome.pod.json());
  }
  checkPreconditions(stored, options);
  if (options.dryRun) return deletedStatus(stored);
  plane.store.remove(stored);
  return deletedStatus(stored);
}

function evictionReply(context: ApiContext, call: ApiCall): Reply {
  const { namespace = "", name = "" } = call.route;
  try {
    return statusReply(
      evict(context.eviction, namespace, name, parseBody(call.body), call.query.get("dryRun") === "All"),
    );
  } catch (error) {
    if (error instanceof EvictionRefusal) {
      return {
        kind: "json",
        code: error.code,
        body: JSON.stringify(error.status),
        headers: error.headers,
        refusal: error.refusal,
      };
    }
    throw error;
  }
}

/** Serves one resource request; throws an ApiError for every refusal. */
export function dispatch(context: ApiContext, call: ApiCall, dropWatchAfterMs: number | undefined): Reply {
  const { route } = call;
  const { type } = route;
  const verb = verbOf(call.method, route, call.query);
  if (route.subresource !== undefined) {
    if (type === resourceTypes.pods && route.subresource === "eviction") {
      if (call.method !== "POST") throw methodNotAllowed();
      return evictionReply(context, call);
    }
    if (route.subresource === "status" && type.hasStatus && verb === "get")
      return getObject(context.plane.store, route);
    throw pathNotFound();
  }
  if (verb === undefined || verb === "deletecollection" || !type.verbs.has(verb)) throw methodNotAllowed();
  const { plane } = context;
  switch (verb) {
    case "get":
      return getObject(plane.store, route);
    case "list":
      return listObjects(plane.store, route, call.query);
    case "watch":
      return watchRequest(route, call.query, dropWatchAfterMs);
    case "create":
      return createObject(plane, route, parseBody(call.body));
    case "update":
      return updateObject(plane, route, parseBody(call.body));
    case "patch":
      return patchObject(plane, route, call.body, call.contentType);
    case "delete":
      return deleteObject(context, type, call);
  }
}

/**
 * metav1.Status bodies as the real API server writes them, and the error that carries one out of a handler.
 * One place builds every refusal, so their wording stays the server's.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export function statusBody(
  code: number,
  message: string | undefined,
  reason?: string,
  details?: StatusDetails,
): Status {
  // Keys in the order the server writes them.
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code >= 200 && code < 300 ? "Success" : "Failure",
    ...(message !== undefined ? { message } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(details !== undefined ? { details } : {}),
    code,
  };
}

/** A refusal on its way to the client: the HTTP code is the Status code; headers such as Retry-After ride along. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: Status;
  readonly headers: Record<string, string>;

  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.status = status;
    this.headers = headers;
  }

  get code(): number {
    return this.status.code;
  }
}

/** The resource part of messages: `pods`, `poddisruptionbudgets.policy`. */
export function qualifiedResource(plural: string, group: string): string {
  return group === "" ? plural : `${plural}.${group}`;
}

export function notFound(plural: string, group: string, name: string): ApiError {
  const details: StatusDetails = { name, kind: plural };
  if (group !== "") details.group = group;
  return new ApiError(
    statusBody(404, `${qualifiedResource(plural, group)} "${name}" not found`, "NotFound", details),
  );
}

export function pathNotFound(): ApiError {
  return new ApiError(statusBody(404, "the server could not find the requested resource", "NotFound", {}));
}

export function alreadyExists(plural: string, group: string, name: string): ApiError {
  const details: StatusDetails = { name, kind: plural };
  if (group !== "") details.group = group;
  return new ApiError(
    statusBody(409, `${qualifiedResource(plural, group)} "${name}" already exists`, "AlreadyExists", details),
  );
}

/** 409 Conflict: `Operation cannot be fulfilled on KIND "NAME": DETAIL`. */
export function conflict(kindForMessage: string, group: string, name: string, detail: string): ApiError {
  const details: StatusDetails = { name, kind: kindForMessage };
  if (group !== "") details.group = group;
  return new ApiError(
    statusBody(
      409,
      `Operation cannot be fulfilled on ${qualifiedResource(kindForMessage, group)} "${name}": ${detail}`,
      "Conflict",
      details,
    ),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(statusBody(400, message, "BadRequest"));
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    statusBody(
      405,
      "the server does not allow this method on the requested resource",
      "MethodNotAllowed",
      {},
    ),
  );
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(
    statusBody(
      415,
      `the body of the request was in an unknown format (${contentType || "no content type"}) - accepted media types include: ${accepted.join(", ")}`,
      "UnsupportedMediaType",
      {},
    ),
  );
}

export function unauthorized(): ApiError {
  return new ApiError(statusBody(401, "Unauthorized", "Unauthorized"));
}

export function requestEntityTooLarge(limit: number): ApiError {
  return new ApiError(
    statusBody(413, `the request body is larger than ${limit} bytes`, "RequestEntityTooLarge"),
  );
}

export interface FieldProblem {
  field: string;
  /** invalid (default): the value is wrong; required: it is missing; forbidden: it may not be set or changed. */
  kind?: "invalid" | "required" | "forbidden";
  value?: unknown;
  detail: string;
}

const causeReasons = {
  invalid: "FieldValueInvalid",
  required: "FieldValueRequired",
  forbidden: "FieldValueForbidden",
};

function describeProblem(problem: FieldProblem): string {
  switch (problem.kind ?? "invalid") {
    case "required":
      return problem.detail ? `Required value: ${problem.detail}` : "Required value";
    case "forbidden":
      return `Forbidden: ${problem.detail}`;
    default:
      return `Invalid value: ${JSON.stringify(problem.value ?? null)}: ${problem.detail}`;
  }
}

/** 422 Invalid: `KIND "NAME" is invalid: FIELD: Invalid value: VALUE: DETAIL`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  problems: readonly FieldProblem[],
): ApiError {
  const message = `${kind} "${name}" is invalid: ${problems
    .map((problem) => `${problem.field}: ${describeProblem(problem)}`)
    .join(", ")}`;
  const details: StatusDetails = {
    name,
    kind,
    causes: problems.map((problem) => ({
      reason: causeReasons[problem.kind ?? "invalid"],
      message: describeProblem(problem),
      field: problem.field,
    })),
  };
  if (group !== "") details.group = group;
  return new ApiError(statusBody(422, message, "Invalid", details));
}

/** 422 for a JSON patch that cannot be applied. */
export function unprocessablePatch(message: string): ApiError {
  return new ApiError(statusBody(422, message, undefined));
}

export function forbidden(
  plural: string,
  group: string,
  name: string,
  detail: string,
  causes?: StatusCause[],
) {
  const details: StatusDetails = { name, kind: plural };
  if (group !== "") details.group = group;
  if (causes) details.causes = causes;
  return new ApiError(
    statusBody(
      403,
      `${qualifiedResource(plural, group)} "${name}" is forbidden: ${detail}`,
      "Forbidden",
      details,
    ),
  );
}

/** 429 TooManyRequests; `retryAfterSeconds > 0` also sets the Retry-After header, as the server does. */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
  causes?: StatusCause[],
): ApiError {
  const details: StatusDetails = {};
  if (causes) details.causes = causes;
  if (retryAfterSeconds > 0) details.retryAfterSeconds = retryAfterSeconds;
  const headers: Record<string, string> =
    retryAfterSeconds > 0 ? { "Retry-After": String(retryAfterSeconds) } : {};
  return new ApiError(statusBody(429, message, "TooManyRequests", details), headers);
}

export function internalError(message: string): ApiError {
  return new ApiError(
    statusBody(500, `Internal error occurred: ${message}`, "InternalError", { causes: [{ message }] }),
  );
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(statusBody(503, message, "ServiceUnavailable", {}));
}

export function expired(message: string): ApiError {
  return new ApiError(statusBody(410, message, "Expired"));
}

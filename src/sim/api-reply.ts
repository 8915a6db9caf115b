import type { Status } from "./api-status.js";
import type { RefusalCause } from "./recorder.js";
import type { WatchRequest } from "./watch-hub.js";

/** What a handler answers: a JSON body with its code, or a watch stream to open. */
export type Reply =
  | {
      readonly kind: "json";
      readonly code: number;
      /** Serialised JSON. */
      readonly body: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly refusal?: RefusalCause;
    }
  | { readonly kind: "watch"; readonly request: WatchRequest };

export function jsonReply(code: number, body: string): Reply {
  return { kind: "json", code, body };
}

export function statusReply(status: Status): Reply {
  return { kind: "json", code: status.code, body: JSON.stringify(status) };
}

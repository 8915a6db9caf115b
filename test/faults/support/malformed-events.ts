import { loadEventFixture } from "../../fixtures/events/catalog.js";

/**
 * Malformed inbound messages, generated from the real fixtures by mutations that each break one rule a
 * terminate notice must follow. Every mutation here is an error by the intake's rules (never "ignored"):
 * a test that sends them expects a clear error for each one.
 */

type Json = Record<string, unknown>;

export interface MalformedMessage {
  /** What was broken, e.g. "detail.EC2InstanceId: a number". */
  mutation: string;
  message: unknown;
}

/** A terminate lifecycle event as EventBridge delivers it (fixture eventbridge-terminate.json). */
function eventBridgeEvent(): Json {
  return structuredClone(loadEventFixture("eventbridge-terminate.json")) as Json;
}

/** A lifecycle notification as a hook targeting SQS sends it (the body of sqs-direct-terminate.json). */
function directNotification(): Json {
  const batch = loadEventFixture("sqs-direct-terminate.json") as { Records: { body: string }[] };
  return JSON.parse(batch.Records[0]?.body ?? "{}") as Json;
}

/** A continuation the handler sends itself (continuation-invocation.json). */
function continuation(): Json {
  return structuredClone(loadEventFixture("continuation-invocation.json")) as Json;
}

export class Maker {
  constructor(private readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)] as T;
  }

  text(length: number): string {
    let out = "";
    for (let index = 0; index < length; index++) out += String.fromCharCode(32 + this.int(95));
    return out;
  }

  /** A value of the wrong type for a string field (absent included). */
  notAString(): { label: string; value: unknown } {
    return this.pick([
      { label: "missing", value: undefined },
      { label: "null", value: null },
      { label: "a number", value: this.int(10_000) },
      { label: "a boolean", value: true },
      { label: "an array", value: [this.text(4)] },
      { label: "an object", value: { nested: this.text(4) } },
    ]);
  }

  /** A string the field does not accept (Auto Scaling group names may contain spaces: not blank ones). */
  badString(field: string): { label: string; value: string } {
    return this.pick([
      { label: "empty", value: "" },
      ...(field === "AutoScalingGroupName" ? [] : [{ label: "blank", value: "   " }]),
      { label: "100 KB long", value: "x".repeat(100_000) },
      { label: "a control character", value: `bad\u0000${this.int(100)}` },
    ]);
  }
}

function set(target: Json, path: readonly string[], value: unknown): void {
  let node: Json = target;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path.at(-1) ?? "";
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const detailFields = ["LifecycleActionToken", "AutoScalingGroupName", "LifecycleHookName", "EC2InstanceId"];
const directFields = ["LifecycleActionToken", "AutoScalingGroupName", "LifecycleHookName", "EC2InstanceId"];
const noticeFields = ["instanceId", "asgName", "hookName", "token"];

/** One malformed EventBridge event (as a direct invocation or an SQS body carries it). */
function badEventBridge(maker: Maker): MalformedMessage {
  const event = eventBridgeEvent();
  const kind = maker.int(7);
  if (kind <= 2) {
    const field = maker.pick(detailFields);
    const bad = kind === 0 ? maker.notAString() : maker.badString(field);
    set(event, ["detail", field], bad.value);
    return { mutation: `detail.${field}: ${bad.label}`, message: event };
  }
  if (kind === 3) {
    const id = maker.pick(["i-", "i-XYZ123456789", `i-${"0".repeat(30)}`, "instance-1", "0123456789abcdef0"]);
    set(event, ["detail", "EC2InstanceId"], id);
    return { mutation: `detail.EC2InstanceId: "${id.slice(0, 20)}"`, message: event };
  }
  if (kind === 4) {
    const detail = maker.pick<unknown>([undefined, null, "detail", 42, [], [event.detail]]);
    set(event, ["detail"], detail);
    return { mutation: `detail: ${JSON.stringify(detail) ?? "missing"}`, message: event };
  }
  if (kind === 5) {
    const source = maker.pick<unknown>(["aws.ec2", "aws.autoscaling ", "", 7, null, undefined]);
    set(event, ["source"], source);
    return { mutation: `source: ${JSON.stringify(source) ?? "missing"}`, message: event };
  }
  const metadata = maker.pick<unknown>([
    "[1,2]",
    "{broken",
    '{"other":"prod"}',
    '{"clusterName":7}',
    12,
    ["prod"],
  ]);
  set(event, ["detail", "NotificationMetadata"], metadata);
  return { mutation: `detail.NotificationMetadata: ${JSON.stringify(metadata)}`, message: event };
}

/** One malformed message for a direct invocation: a broken event or continuation, or no event at all. */
export function malformedInvocation(maker: Maker): MalformedMessage {
  const kind = maker.int(10);
  if (kind <= 6) return badEventBridge(maker);
  if (kind <= 8) {
    const message = continuation();
    if (maker.int(2) === 0) {
      const version = maker.pick<unknown>([2, 0, "1", null]);
      set(message, ["eks-node-drainer/continuation"], version);
      return { mutation: `continuation version ${JSON.stringify(version)}`, message };
    }
    const field = maker.pick(noticeFields);
    const bad = maker.notAString();
    set(message, ["notice", field], bad.value);
    return { mutation: `continuation notice.${field}: ${bad.label}`, message };
  }
  const value = maker.pick<unknown>([null, 42, "an event", [], {}, { Records: "not a list" }]);
  return { mutation: `whole event: ${JSON.stringify(value)}`, message: value };
}

/** One malformed SQS message body (a string, as SQS delivers it). */
export function malformedSqsBody(maker: Maker): { mutation: string; body: string } {
  const kind = maker.int(10);
  if (kind <= 1) {
    const body = maker.pick(["", "not json", "{", `{"unterminated": "${maker.text(8)}`, maker.text(40)]);
    return { mutation: `body not JSON: ${JSON.stringify(body.slice(0, 20))}`, body };
  }
  if (kind === 2) {
    const value = maker.pick<unknown>([{}, [], 42, "text", { Event: 7 }, { foo: "bar" }]);
    return { mutation: `body of unknown shape: ${JSON.stringify(value)}`, body: JSON.stringify(value) };
  }
  if (kind <= 5) {
    const notification = directNotification();
    const field = maker.pick([...directFields, "Time"]);
    const bad =
      field === "Time"
        ? { label: "not a time", value: maker.pick(["yesterday", "", 5]) }
        : maker.notAString();
    set(notification, [field], bad.value);
    return { mutation: `hook notification ${field}: ${bad.label}`, body: JSON.stringify(notification) };
  }
  const broken = badEventBridge(maker);
  return { mutation: `EventBridge event ${broken.mutation}`, body: JSON.stringify(broken.message) };
}

export function makerOf(random: () => number): Maker {
  return new Maker(random);
}

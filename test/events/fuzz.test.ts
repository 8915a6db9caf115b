import { describe, expect, it } from "vitest";
import { EventError, maxBodyCharacters, parseInvocationEvent, parseSqsBody } from "../../src/events/index.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { loadEventFixture } from "../fixtures/events/catalog.js";

type Json = Record<string, unknown>;
const megabyte = "m".repeat(1_048_576);

class InputMaker {
  constructor(readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  text(maxLength: number): string {
    const length = this.int(maxLength + 1);
    let out = "";
    for (let i = 0; i < length; i++)
      out += String.fromCharCode(this.pick([0, 9, 32, 65, 0x7f, 0xe9, 0x2603]) + this.int(40));
    return out;
  }

  deep(depth: number): unknown {
    let value: unknown = this.pick([null, 1, "leaf", []]);
    for (let level = 0; level < depth; level++) value = this.random() < 0.5 ? [value] : { k_deep: value };
    return value;
  }

  /** A value that is no string: null, numbers, booleans, arrays, objects, deep nesting. */
  nonString(): unknown {
    return this.pick<() => unknown>([
      () => null,
      () => this.int(1000) - 500,
      () => Number.NaN,
      () => this.random() < 0.5,
      () => [],
      () => [this.text(5)],
      () => ({}),
      () => ({ k_x: this.text(5) }),
      () => this.deep(1 + this.int(3000)),
    ])();
  }

  /** A string that no identifier-like field accepts (empty, huge, or with characters outside its alphabet). */
  badIdentifier(): string {
    return this.pick<() => string>([
      () => "",
      () => megabyte,
      () => `${this.text(20)} !`,
      () => `bad name\u0000${this.int(100)}`,
      () => `i-${"g".repeat(1 + this.int(20))}.`,
    ])();
  }

  /** Metadata no reading accepts as a cluster name (null counts as absent: tolerated). */
  badMetadata(): unknown {
    return this.pick<() => unknown>([
      () => this.int(1000) + 1,
      () => [this.text(5)],
      () => ({ k_x: this.text(5) }),
      () => `[${this.int(9)}]`,
      () => `{"k_other":"${this.int(9)}"}`,
      () => `{"clusterName":${this.int(9)}}`,
      () => `{"clusterName":"${this.text(3)} x"`,
      // Plain text is a hint only (any text is accepted); in JSON the name must be a cluster name.
      () => `{"clusterName":"with space ${this.int(9)}"}`,
      () => "c".repeat(4001),
    ])();
  }
}

function mutate(base: Json, path: readonly string[], value: unknown, remove: boolean): Json {
  const copy = structuredClone(base);
  let target: Json = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Json;
  const last = path.at(-1) ?? "";
  if (remove) delete target[last];
  else target[last] = value;
  return copy;
}

interface Case {
  input: unknown;
  asBody: boolean;
  /** The field the error must name, when the mutation targeted one. */
  field?: string;
}

function* malformedInputs(gen: InputMaker, count: number): Generator<Case> {
  const eventBridge = loadEventFixture("eventbridge-terminate.json") as Json;
  const flat = JSON.parse(
    ((loadEventFixture("sqs-direct-terminate.json") as { Records: Json[] }).Records[0]?.body as string) ??
      "{}",
  ) as Json;
  const continuation = loadEventFixture("continuation-invocation.json") as Json;
  const targets: { base: Json; path: string[]; bad: () => unknown; removable: boolean }[] = [
    {
      base: eventBridge,
      path: ["source"],
      bad: () => gen.pick([gen.nonString(), gen.badIdentifier()]),
      removable: true,
    },
    {
      base: eventBridge,
      path: ["time"],
      bad: () => gen.pick([gen.nonString(), gen.badIdentifier()]),
      removable: true,
    },
    { base: eventBridge, path: ["detail-type"], bad: () => gen.nonString(), removable: false },
    {
      base: eventBridge,
      path: ["detail"],
      bad: () => gen.pick([null, [], gen.text(30), gen.int(9)]),
      removable: true,
    },
    ...["LifecycleActionToken", "LifecycleHookName", "EC2InstanceId", "LifecycleTransition"].map((key) => ({
      base: eventBridge,
      path: ["detail", key],
      bad: () => gen.pick([gen.nonString(), gen.badIdentifier()]),
      removable: true,
    })),
    {
      base: eventBridge,
      path: ["detail", "AutoScalingGroupName"],
      bad: () => gen.pick([gen.nonString(), "", megabyte, "a\u0001b"]),
      removable: true,
    },
    {
      base: eventBridge,
      path: ["detail", "NotificationMetadata"],
      bad: () => gen.badMetadata(),
      removable: false,
    },
    ...["Time", "EC2InstanceId", "LifecycleActionToken", "LifecycleHookName"].map((key) => ({
      base: flat,
      path: [key],
      bad: () => gen.pick([gen.nonString(), gen.badIdentifier()]),
      removable: true,
    })),
    { base: flat, path: ["NotificationMetadata"], bad: () => gen.badMetadata(), removable: false },
    {
      base: continuation,
      path: ["attempt"],
      bad: () => gen.pick([0, -1, 1.5, "2", null, 1e9]),
      removable: true,
    },
    {
      base: continuation,
      path: ["notice", "instanceId"],
      bad: () => gen.pick([gen.nonString(), gen.badIdentifier()]),
      removable: true,
    },
    {
      base: continuation,
      path: ["eks-node-drainer/continuation"],
      bad: () => gen.pick([0, 2, "1", null, gen.nonString()]),
      removable: false,
    },
  ];

  for (let i = 0; i < count; i++) {
    const shape = gen.int(10);
    if (shape < 6) {
      const target = gen.pick(targets);
      const remove = target.removable && gen.random() < 0.2;
      const input = mutate(target.base, target.path, target.bad(), remove);
      const asBody = target.base === flat || gen.random() < 0.5;
      const body = asBody ? JSON.stringify(input) : "";
      // A body over the SQS limit is refused as a whole before any field is read.
      const field = body.length > maxBodyCharacters ? "body" : target.path.join(".");
      yield { input: asBody ? body : input, asBody, field };
    } else if (shape < 8) {
      const text = JSON.stringify(gen.pick([eventBridge, flat, continuation]));
      const cut = text.slice(0, gen.int(text.length - 1));
      yield { input: gen.random() < 0.5 ? cut : `${cut}${gen.text(8)}}}`, asBody: true };
    } else {
      const junk = gen.pick<() => unknown>([
        () => gen.nonString(),
        () => gen.text(200),
        () => ({ [`k_${gen.int(99)}`]: gen.deep(gen.int(50)) }),
        () => megabyte,
        () => `${megabyte}${megabyte}`,
      ])();
      const asBody = gen.random() < 0.5;
      yield { input: asBody && typeof junk !== "string" ? JSON.stringify(junk) : junk, asBody };
    }
  }
}

describe("malformed input", () => {
  it("always ends in an EventError naming the broken field, never another exception (1,000 seeded cases)", () => {
    const gen = new InputMaker(seededRandom(20261124));
    let errors = 0;
    for (const testCase of malformedInputs(gen, 1_000)) {
      let thrown: unknown;
      try {
        const result = testCase.asBody ? parseSqsBody(testCase.input) : parseInvocationEvent(testCase.input);
        thrown = new Error(`accepted malformed input as ${result.kind}`);
      } catch (error) {
        thrown = error;
      }
      if (!(thrown instanceof EventError)) {
        const shown = typeof testCase.input === "string" ? testCase.input.slice(0, 300) : testCase.input;
        expect.fail(
          `case ${errors} (${testCase.field}): ${String(thrown)} for ${JSON.stringify(shown)?.slice(-300)}`,
        );
      }
      expect(thrown.retryable).toBe(false);
      expect(thrown.message.length).toBeLessThan(600);
      if (testCase.field !== undefined)
        expect(thrown.field, thrown.message).toMatch(new RegExp(`^${testCase.field}`));
      errors++;
    }
    expect(errors).toBe(1_000);
  });
});

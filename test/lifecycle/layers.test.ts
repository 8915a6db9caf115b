import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../src");

function sources(folder: string): { file: string; text: string }[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file: `${folder}/${file}`, text: readFileSync(join(root, folder, file), "utf8") }));
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/from "([^"]+)"/g)].map((match) => match[1] ?? "");
}

describe("the lifecycle job is one copy, and the shells stay shells", () => {
  it("src/lifecycle imports nothing from a shell or the simulator", () => {
    const offending = sources("lifecycle").flatMap(({ file, text }) =>
      importsOf(text)
        .filter((path) => /^\.\.\/(lambda|cli|sim)\//.test(path))
        .map((path) => `${file} imports ${path}`),
    );
    expect(offending).toEqual([]);
  });

  it("no heartbeat, lease or completion-policy logic lives in src/lambda or src/cli", () => {
    const lifecycleLogic =
      /\b(Heartbeater|withHeartbeats|recordHeartbeat|\.complete\(|decideCompletion|admit\(|NodeRecordStore|afterCompletion|afterHandOff|withoutLeaseOf)\b/;
    const offending = [...sources("lambda"), ...sources("cli")]
      .filter(({ text }) => lifecycleLogic.test(text))
      .map(({ file, text }) => `${file}: ${lifecycleLogic.exec(text)?.[0]}`);
    expect(offending).toEqual([]);
  });

  it("the shells reach the lifecycle job through its index only", () => {
    const deep = [...sources("lambda"), ...sources("cli")].flatMap(({ file, text }) =>
      importsOf(text)
        .filter((path) => path.startsWith("../lifecycle/") && path !== "../lifecycle/index.js")
        .map((path) => `${file} imports ${path}`),
    );
    expect(deep).toEqual([]);
  });
});

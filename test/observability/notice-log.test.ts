import { Logger } from "@aws-lambda-powertools/logger";
import { describe, expect, it, vi } from "vitest";
import { powertoolsLog } from "../../src/lambda/powertools-log.js";
import { withKeys } from "../../src/lifecycle/job-log.js";
import { LogRedactor, redactedLog } from "../../src/lifecycle/log-redaction.js";
import { MemoryLog } from "../lambda/support/memory-log.js";

const token =
  "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTU";

describe("redactedLog", () => {
  it("scrubs EKS tokens, bearer headers and presigned signatures from messages and nested fields", () => {
    const memory = new MemoryLog();
    const log = redactedLog(memory, new LogRedactor());

    log.warn(`request failed with Authorization: Bearer ${token}`, {
      request: {
        headers: { authorization: `Bearer ${token}` },
        url: "https://sts/?X-Amz-Signature=abc123&X-Amz-Date=1",
      },
      tokens: [token],
      error: new Error(`401 for ${token}`, { cause: new Error(`token ${token} expired`) }),
    });

    const line = JSON.stringify(memory.lines);
    expect(line).not.toContain("k8s-aws-v1.");
    expect(line).not.toContain("abc123");
    expect(memory.lines[0]?.message).toBe("request failed with Authorization: Bearer [redacted EKS token]");
    expect(memory.lines[0]?.fields).toMatchObject({
      request: { url: "https://sts/?X-Amz-Signature=[redacted]&X-Amz-Date=1" },
      tokens: ["[redacted EKS token]"],
      error: {
        name: "Error",
        message: "401 for [redacted EKS token]",
        cause: { message: "token [redacted EKS token] expired" },
      },
    });
  });

  it("scrubs a secret learnt at run time, such as the webhook URL, and keeps ordinary fields as they are", () => {
    const memory = new MemoryLog();
    const redactor = new LogRedactor();
    const log = redactedLog(memory, redactor).child?.({ instanceId: "i-1" });

    redactor.addSecret("https://chat.example.com/hooks/s3cr3t-path");
    log?.info("posting to https://chat.example.com/hooks/s3cr3t-path failed", { attempt: 2, ok: false });
    log?.info("request", { header: "Authorization: Bearer sim.t0ken-value_123" });

    expect(memory.lines).toEqual([
      {
        level: "info",
        message: "posting to [redacted] failed",
        fields: { instanceId: "i-1", attempt: 2, ok: false },
      },
      {
        level: "info",
        message: "request",
        fields: { instanceId: "i-1", header: "Authorization: Bearer [redacted]" },
      },
    ]);
  });
});

describe("withKeys", () => {
  it("adds the notice's keys to every line of a log without child loggers, and nests", () => {
    const memory = new MemoryLog();
    const log = withKeys(withKeys(memory, { instanceId: "i-1", asg: "g" }), { node: "n" });

    log.info("draining", { attempt: 0 });

    expect(memory.lines[0]?.fields).toEqual({ instanceId: "i-1", asg: "g", node: "n", attempt: 0 });
  });

  it("gives each notice its own Powertools child logger: keys never leak between notices run at once", () => {
    const lines: Record<string, unknown>[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      return true;
    });
    try {
      const root = powertoolsLog(new Logger({ serviceName: "eks-node-drainer" }));
      const first = withKeys(root, { instanceId: "i-1", node: "a" });
      const second = withKeys(root, { instanceId: "i-2" });

      first.info("one");
      second.info("two", { message: "503 from the API server", level: 3 });
      root.info("three");
    } finally {
      spy.mockRestore();
    }

    expect(lines.map((line) => [line.message, line.instanceId, line.node])).toEqual([
      ["one", "i-1", "a"],
      ["two", "i-2", undefined],
      ["three", undefined, undefined],
    ]);
    expect(lines[0]).toMatchObject({ level: "INFO", service: "eks-node-drainer" });
    // Fields named like Powertools' own keys are kept under another name rather than dropped.
    expect(lines[1]).toMatchObject({ message: "two", detail: "503 from the API server", levelField: 3 });
  });
});

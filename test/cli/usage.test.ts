import { afterAll, describe, expect, it } from "vitest";
import { removeBuiltCli, runBuiltCli } from "./support/built-cli.js";
import { runInProcess } from "./support/in-process.js";

afterAll(removeBuiltCli);

/** One line on stderr, no stack trace. */
function expectOneLine(run: { errorLines: string[]; stderr: string }, pattern: RegExp): void {
  expect(run.errorLines).toHaveLength(1);
  expect(run.errorLines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

// The two cases run as a user runs the CLI (a process, its exit code and streams); the rest in process.
describe("help", () => {
  it("prints the commands and the exit codes with --help", async () => {
    const run = await runBuiltCli(["--help"]);
    expect(run.code).toBe(0);
    for (const command of ["drain", "plan", "report", "simulate"])
      expect(run.stdout).toContain(`eks-node-drainer ${command}`);
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*\b64\b/);
  });

  it.each([
    [
      "drain",
      [
        "--dry-run",
        "--timeout",
        "--grace-period",
        "--pod-selector",
        "--include-daemonsets",
        "--on-deadline",
        "--complete-lifecycle-action",
        "--asg",
        "--hook",
        "--result",
        "--deadline-result",
        "--kubeconfig",
        "--context",
        "--output",
        "--log-format",
        "--verbose",
      ],
    ],
    ["plan", ["--timeout", "--pod-selector", "--include-daemonsets", "--kubeconfig", "--output"]],
    ["report", ["--report", "--kubeconfig", "--context", "--output", "Events expire", "one hour"]],
    ["simulate", ["scenario-file", "--timeout", "--heartbeat-timeout", "--lambda-timeout", "--output"]],
  ])("documents every flag of %s in --help", async (command, flags) => {
    const run = await runInProcess([command, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const flag of flags) expect(run.stdout).toContain(flag);
  });

  it("answers `help drain` like `drain --help`", async () => {
    const [viaHelp, viaFlag] = await Promise.all([
      runInProcess(["help", "drain"]),
      runInProcess(["drain", "-h"]),
    ]);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });
});

/** What serve needs before it reads its drain flags. */
const serveArgs = [
  "serve",
  "--queue-url",
  "https://sqs.us-west-2.amazonaws.com/1/notices",
  "--cluster-name",
  "c",
  "--region",
  "us-west-2",
];

describe("usage errors exit 64 with one line", () => {
  it("without a command, printing the help on stderr", async () => {
    const run = await runBuiltCli([]);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Usage:");
  });

  it.each([
    [["evict", "node-1"], /^error: unknown command "evict"/],
    [
      ["drain", "node-1", "--force-it"],
      /^error: unknown flag --force-it \(see eks-node-drainer drain --help\)$/,
    ],
    [["drain"], /^error: drain: missing the node name or instance ID/],
    [["drain", "a", "b", "--selector", "x=y"], /give node names or instance IDs, or --selector, not both/],
    [["drain", "node-1", "--timeout", "soon"], /^error: --timeout: expected a duration such as 10m/],
    [["drain", "node-1", "--timeout"], /--timeout needs a value/],
    [["drain", "node-1", "--on-deadline", "panic"], /--on-deadline: expected force or leave, got "panic"/],
    [
      ["drain", "node-1", "--on-deadline", "abandon"],
      /--on-deadline: expected force or leave, got "abandon"/,
    ],
    [
      ["drain", "node-1", "--deadline-result", "ABANDON"],
      /--deadline-result: expected abandon or default-result, got "ABANDON"/,
    ],
    [["drain", "node-1", "--output", "yaml"], /--output: expected text or json/],
    [["drain", "node-1", "--grace-period", "ten"], /--grace-period: expected whole seconds/],
    [
      ["drain", "node-1", "--max-evictions-per-owner", "0"],
      /--max-evictions-per-owner: expected a whole number/,
    ],
    [["drain", "node-1", "--unreachable-after", "soon"], /--unreachable-after: expected a duration/],
    [["drain", "node-1", "--pod-selector", "app in (a"], /--pod-selector: /],
    [
      ["drain", "node-1", "--complete-lifecycle-action"],
      /--asg: required with --complete-lifecycle-action; --hook: required/,
    ],
    [["drain", "node-1", "--hook", "h"], /--hook is only used with --complete-lifecycle-action/],
    [
      ["drain", "node-1", "--complete-lifecycle-action", "--asg", "a", "--hook", "h", "--result", "maybe"],
      /--result: expected CONTINUE or ABANDON/,
    ],
    [
      ["plan", "node-1", "--grace-period", "5"],
      /unknown flag --grace-period \(see eks-node-drainer plan --help\)/,
    ],
    [
      [...serveArgs, "--on-deadline", "abandon", "--deadline-result", "default-result"],
      /^error: --on-deadline abandon \(an older spelling of --on-deadline leave with --deadline-result abandon\) contradicts --deadline-result default-result/,
    ],
    [[...serveArgs, "--deadline-result", "later"], /--deadline-result: expected abandon or default-result/],
    [["simulate", "a.yaml", "b.yaml"], /unexpected argument "b.yaml"/],
    [
      ["simulate", "--heartbeat-timeout", "5s"],
      /--heartbeat-timeout: a lifecycle hook's heartbeat timeout is 30s to 2h/,
    ],
  ])("%j", async (args, pattern) => {
    // The command line as the built CLI reads it; the process around it is covered above.
    const run = await runInProcess(args);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe("");
    expectOneLine(run, pattern);
  });
});

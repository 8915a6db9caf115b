import type { CliContext } from "./cli-context.js";
import { CliError, errorLine, errorStack, UsageError } from "./cli-error.js";
import { drainCommand } from "./drain-command.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import {
  drainHelp,
  mainHelp,
  planHelp,
  reportHelp,
  serveHelp,
  simulateHelp,
  uncordonHelp,
} from "./help-text.js";
import { packageVersion } from "./package-root.js";
import { planCommand } from "./plan-command.js";
import { uncordonCommand } from "./uncordon-command.js";

type Command = (args: readonly string[], context: CliContext) => Promise<ExitCode>;

/** The command table: name → runner, and its help for `help <command>`. */
const commands: Record<string, { run: Command; help: string }> = {
  drain: { run: drainCommand, help: drainHelp },
  plan: { run: planCommand, help: planHelp },
  uncordon: { run: uncordonCommand, help: uncordonHelp },
  report: {
    run: async (args, context) => (await import("./report-command.js")).reportCommand(args, context),
    help: reportHelp,
  },
  // Loaded on demand: the simulated cluster and the Lambda's AWS clients are of no use to drain and plan.
  simulate: {
    run: async (args, context) => (await import("./simulate-command.js")).simulateCommand(args, context),
    help: simulateHelp,
  },
  serve: {
    run: async (args, context) => (await import("./serve-command.js")).serveCommand(args, context),
    help: serveHelp,
  },
};

/**
 * Runs one command line and returns its exit code. Every failure ends here as one line on standard
 * error (`error: …`), with the stack only under --verbose.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const [name, ...args] = argv;
  const verbose = args.includes("--verbose") || args.includes("-v");
  try {
    if (name === undefined) {
      context.terminal.log(mainHelp);
      return EXIT.usage;
    }
    if (name === "--version" || name === "version") {
      context.terminal.write(`eks-node-drainer ${packageVersion(import.meta.url, context.cwd)}\n`);
      return EXIT.ok;
    }
    if (name === "--help" || name === "-h") {
      context.terminal.write(mainHelp);
      return EXIT.ok;
    }
    if (name === "help") {
      const [topic] = args;
      const command = topic === undefined ? undefined : commands[topic];
      if (topic !== undefined && command === undefined) throw new UsageError(`unknown command "${topic}"`);
      context.terminal.write(command?.help ?? mainHelp);
      return EXIT.ok;
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (command === undefined) {
      throw new UsageError(
        name.startsWith("-")
          ? `expected a command before ${name}: drain, uncordon, plan, report, simulate or serve`
          : `unknown command "${name}": expected drain, uncordon, plan, report, simulate or serve`,
      );
    }
    return await command.run(args, context);
  } catch (error) {
    return reportFailure(error, context, verbose);
  }
}

function reportFailure(error: unknown, context: CliContext, verbose: boolean): ExitCode {
  if (error instanceof UsageError) {
    const help =
      error.command === undefined ? "eks-node-drainer --help" : `eks-node-drainer ${error.command} --help`;
    context.terminal.log(`error: ${error.message} (see ${help})\n`);
    return error.exitCode;
  }
  context.terminal.log(`error: ${errorLine(error)}\n`);
  if (verbose) context.terminal.log(`${errorStack(error)}\n`);
  return error instanceof CliError ? error.exitCode : EXIT.error;
}

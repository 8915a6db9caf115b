import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import type * as z from "zod";
import { UsageError } from "./cli-error.js";

export interface CommandLine<S extends z.ZodType> {
  /** --help was given: print the command's help and nothing else. */
  help: boolean;
  /** The validated flags; undefined with --help. */
  flags: z.output<S> | undefined;
  positionals: string[];
}

/**
 * Parses a command's arguments (node's util.parseArgs, strict) and validates the flag values with a zod
 * schema keyed by flag name. Every problem becomes a UsageError naming the flag.
 */
export function parseCommandLine<S extends z.ZodType>(
  command: string,
  args: readonly string[],
  descriptors: ParseArgsOptionsConfig,
  schema: S,
): CommandLine<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, descriptors),
      options: descriptors,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(parseProblem(error), command);
  }
  if (parsed.values.help === true) return { help: true, flags: undefined, positionals: parsed.positionals };
  const checked = schema.safeParse(parsed.values);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => {
      const [flag] = issue.path;
      return flag === undefined ? issue.message : `--${String(flag)}: ${issue.message}`;
    });
    throw new UsageError(problems.join("; "), command);
  }
  return { help: false, flags: checked.data, positionals: parsed.positionals };
}

/** `--grace-period -1` as `--grace-period=-1`: util.parseArgs takes "-1" for a flag, kubectl for a value. */
function joinNegativeValues(args: readonly string[], descriptors: ParseArgsOptionsConfig): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? "";
    const next = args[index + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (
      name !== undefined &&
      descriptors[name]?.type === "string" &&
      next !== undefined &&
      /^-\d+$/.test(next)
    ) {
      joined.push(`${arg}=${next}`);
      index += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** node's parse errors, shortened to what is wrong ("unknown flag --foo"). */
function parseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined) return `unknown flag ${flag}`;
  if (/argument missing/.test(message) && flag !== undefined) return `${flag} needs a value`;
  if (/does not take an argument/.test(message) && flag !== undefined) return `${flag} takes no value`;
  const [first = message] = message.split(". ");
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** The one positional argument a command takes, or a UsageError naming what is missing or extra. */
export function onePositional(command: string, positionals: readonly string[], what: string): string {
  const [first, ...rest] = positionals;
  if (first === undefined || first.trim() === "")
    throw new UsageError(`${command}: missing ${what}`, command);
  if (rest.length > 0) throw new UsageError(`${command}: unexpected argument "${rest[0]}"`, command);
  return first;
}

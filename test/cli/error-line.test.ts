import { describe, expect, it } from "vitest";
import { CliError, errorLine } from "../../src/cli/cli-error.js";

describe("errorLine", () => {
  it("joins the causes that add something, on one line", () => {
    const cause = Object.assign(new Error("ENOENT: no such file or directory, open 'x.yaml'"), {
      code: "ENOENT",
    });
    expect(errorLine(new Error("reading scenario file x.yaml", { cause }))).toBe(
      "reading scenario file x.yaml: ENOENT: no such file or directory, open 'x.yaml'",
    );
  });

  it("leaves out a cause whose first line is already said, and folds newlines", () => {
    const cause = new Error("deficient indentation (2:1)\n\n 1 | a: [b\n-----^");
    expect(
      errorLine(new Error("kubeconfig k is not valid YAML: deficient indentation (2:1)", { cause })),
    ).toBe("kubeconfig k is not valid YAML: deficient indentation (2:1)");
    expect(errorLine(new Error("first\n  second"))).toBe("first; second");
  });

  it("stops at a self-contained CliError", () => {
    const cause = new Error("HTTP-Code: 401 Headers: {...}");
    expect(
      errorLine(new CliError("the API server rejected the credentials", { cause, selfContained: true })),
    ).toBe("the API server rejected the credentials");
  });
});

#!/usr/bin/env node
// The Node version is checked before anything else is loaded: the bundle needs Node >= 22.19 (package.json's
// engines) and would fail on an older one with a confusing error. This file itself parses on any Node.
const needed = [22, 19];
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < needed[0] || (major === needed[0] && minor < needed[1])) {
  console.error(
    `eks-node-drainer needs Node >= ${needed.join(".")}; this is Node ${process.versions.node} (${process.execPath})`,
  );
  process.exit(1);
}
// Stack traces (printed with --verbose only) name the source files through dist/cli.js.map. Node reads the
// whole map when it is enabled (tens of MB of memory), so only then.
if (process.argv.includes("--verbose") || process.argv.includes("-v")) process.setSourceMapsEnabled(true);
await import("../dist/cli.js");

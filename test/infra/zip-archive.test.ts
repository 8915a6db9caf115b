import { crc32, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createZip, ZipArchiveError } from "../../infra/zip-archive.js";

interface ReadEntry {
  name: string;
  data: Buffer;
  mode: number;
}

/** Reads an archive through its central directory, as unzip and Lambda do, checking every CRC. */
function readZip(zip: Buffer): ReadEntry[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ReadEntry[] = [];
  for (let index = 0; index < count; index++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    expect(method).toBe(8);
    const data = inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize));
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    entries.push({ name, data, mode });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe("createZip", () => {
  const bundle = Buffer.from("export const handler = async () => ({ batchItemFailures: [] });\n".repeat(500));

  it("stores files that read back byte for byte, with their permissions", () => {
    const entries = readZip(
      createZip([
        { name: "index.mjs", data: bundle },
        { name: "lib/empty.txt", data: Buffer.alloc(0), mode: 0o600 },
      ]),
    );
    expect(entries.map(({ name, mode }) => ({ name, mode }))).toEqual([
      { name: "index.mjs", mode: 0o100644 },
      { name: "lib/empty.txt", mode: 0o100600 },
    ]);
    expect(entries[0]?.data.equals(bundle)).toBe(true);
    expect(entries[1]?.data.length).toBe(0);
  });

  it("compresses", () => {
    expect(createZip([{ name: "index.mjs", data: bundle }]).length).toBeLessThan(bundle.length / 10);
  });

  it("is reproducible: the same files give the same bytes", () => {
    expect(
      createZip([{ name: "index.mjs", data: bundle }]).equals(
        createZip([{ name: "index.mjs", data: bundle }]),
      ),
    ).toBe(true);
  });

  it("refuses absolute and backslash paths", () => {
    expect(() => createZip([{ name: "/etc/passwd", data: bundle }])).toThrow(ZipArchiveError);
    expect(() => createZip([{ name: "a\\b", data: bundle }])).toThrow(/relative path with \//);
  });
});

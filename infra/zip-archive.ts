import { crc32, deflateRawSync } from "node:zlib";

/** One file of a zip archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  readonly name: string;
  readonly data: Buffer;
  /** Unix permission bits. Default 0o644. */
  readonly mode?: number;
}

// 1980-01-01 00:00:00, the earliest MS-DOS timestamp: a fixed date makes the archive reproducible, so the
// same bundle always gives the same bytes and the same S3 key.
const dosTime = 0;
const dosDate = (0 << 9) | (1 << 5) | 1;
const utf8Names = 0x0800;
const deflate = 8;
const versionNeeded = 20;
const madeByUnix = (3 << 8) | versionNeeded;

export class ZipArchiveError extends Error {
  override readonly name = "ZipArchiveError";
}

/** A deflated zip archive (no zip64: each file and the whole archive stay under 4 GiB). */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.name.length === 0 || entry.name.startsWith("/") || entry.name.includes("\\")) {
      throw new ZipArchiveError(
        `zip entry name ${JSON.stringify(entry.name)} must be a relative path with /`,
      );
    }
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const checksum = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(versionNeeded, 4);
    local.writeUInt16LE(utf8Names, 6);
    local.writeUInt16LE(deflate, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(madeByUnix, 4);
    central.writeUInt16LE(versionNeeded, 6);
    central.writeUInt16LE(utf8Names, 8);
    central.writeUInt16LE(deflate, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0
    central.writeUInt32LE((0o100000 | (entry.mode ?? 0o644)) * 0x10000, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  if (offset + directory.length > 0xffffffff || entries.length > 0xffff) {
    throw new ZipArchiveError("archive too large for a zip without zip64");
  }
  return Buffer.concat([...locals, directory, end]);
}

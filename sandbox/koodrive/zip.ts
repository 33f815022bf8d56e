/**
 * A streaming zip writer, store-only (no compression): each file's bytes are copied as they are read,
 * its CRC-32 computed on the way and written after the data in a data descriptor, so nothing is
 * held in memory. Without ZIP64 a package holds at most 65,535 entries and 4 GiB.
 */
import type { FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";

export class ZipLimitError extends Error {}

const UTF8_NAMES = 0x0800;
const DATA_DESCRIPTOR = 0x0008;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;
const MAX_32 = 0xffffffff;

interface Entry {
  name: Buffer;
  flags: number;
  crc: number;
  size: number;
  offset: number;
  time: number;
  date: number;
  directory: boolean;
}

export class ZipWriter {
  readonly #out: FileHandle;
  readonly #entries: Entry[] = [];
  #offset = 0;

  constructor(out: FileHandle) {
    this.#out = out;
  }

  async addDirectory(path: string, mtime: number): Promise<void> {
    const entry = this.#entry(path.endsWith("/") ? path : `${path}/`, mtime, UTF8_NAMES, true);
    await this.#write(localHeader(entry));
  }

  async addFile(path: string, mtime: number, content: AsyncIterable<Uint8Array>): Promise<void> {
    const entry = this.#entry(path, mtime, UTF8_NAMES | DATA_DESCRIPTOR, false);
    await this.#write(localHeader(entry));
    for await (const chunk of content) {
      entry.crc = crc32(chunk, entry.crc);
      entry.size += chunk.length;
      if (this.#offset + chunk.length > MAX_32) throw new ZipLimitError("the package would exceed 4 GiB");
      await this.#write(chunk);
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeUInt32LE(entry.size, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    await this.#write(descriptor);
  }

  /** Writes the central directory; the file is a complete zip afterwards. */
  async finish(): Promise<void> {
    const start = this.#offset;
    for (const entry of this.#entries) await this.#write(centralHeader(entry));
    const size = this.#offset - start;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#entries.length, 8);
    end.writeUInt16LE(this.#entries.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    await this.#write(end);
  }

  #entry(path: string, mtime: number, flags: number, directory: boolean): Entry {
    if (this.#entries.length >= 0xffff) throw new ZipLimitError("a package holds at most 65,535 entries");
    const name = Buffer.from(path, "utf8");
    if (name.length > 0xffff) throw new ZipLimitError(`the path ${path} is too long for a zip entry`);
    const { time, date } = dosDateTime(mtime);
    const entry: Entry = { name, flags, crc: 0, size: 0, offset: this.#offset, time, date, directory };
    this.#entries.push(entry);
    return entry;
  }

  async #write(data: Uint8Array): Promise<void> {
    if (this.#offset + data.length > MAX_32) throw new ZipLimitError("the package would exceed 4 GiB");
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.#out.write(data, written, data.length - written);
      written += bytesWritten;
    }
    this.#offset += data.length;
  }
}

function localHeader(entry: Entry): Buffer {
  const header = Buffer.alloc(30 + entry.name.length);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(entry.flags, 6);
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt16LE(entry.time, 10);
  header.writeUInt16LE(entry.date, 12);
  // CRC and sizes follow the data in the descriptor (zero for a folder).
  header.writeUInt16LE(entry.name.length, 26);
  entry.name.copy(header, 30);
  return header;
}

function centralHeader(entry: Entry): Buffer {
  const header = Buffer.alloc(46 + entry.name.length);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_BY_UNIX, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(entry.flags, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(entry.time, 12);
  header.writeUInt16LE(entry.date, 14);
  header.writeUInt32LE(entry.crc >>> 0, 16);
  header.writeUInt32LE(entry.size, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  const mode = entry.directory ? 0o40755 : 0o100644;
  header.writeUInt32LE(((mode << 16) | (entry.directory ? 0x10 : 0)) >>> 0, 38);
  header.writeUInt32LE(entry.offset, 42);
  entry.name.copy(header, 46);
  return header;
}

/** MS-DOS date and time (2-second steps, from 1980), in UTC. */
function dosDateTime(ms: number): { time: number; date: number } {
  const d = new Date(Math.max(ms, Date.UTC(1980, 0, 1)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

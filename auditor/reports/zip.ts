// A zip archive written as a stream (what an .xlsx file is): each entry deflated as its text is
// produced, its CRC and sizes in a data descriptor after it (so nothing is buffered whole), the
// central directory at the end. Entry times are fixed (1980-01-01), so the same entries give the
// same bytes. No zip64: an entry or an archive past 4 GiB is refused with an error rather than
// written corrupt (the workbook of 10,000 accounts x 20 users is about 45 MB).
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface ZipEntry {
  /** The path inside the archive (ASCII). */
  name: string;
  /** The entry's text, in pieces, produced as the archive is read. */
  text: Iterable<string>;
}

const ZIP32_LIMIT = 0xffffffff;
/** Text is gathered up to this many characters before it is encoded and compressed. */
const BATCH_CHARS = 1 << 16;
/** Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8. */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;
/** MS-DOS date of 1980-01-01, time 00:00. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of `bytes` continued from `previous`: zlib's own where Node has it (22.2 and later). */
function crc32(bytes: Buffer, previous: number): number {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(bytes, previous);
  let c = ~previous;
  for (let index = 0; index < bytes.length; index += 1) c = CRC_TABLE[(c ^ bytes[index]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

interface WrittenEntry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function checkZip32(value: number, what: string): number {
  if (value > ZIP32_LIMIT) throw new Error(`${what} passes the zip format's 4 GiB limit without zip64`);
  return value;
}

/** The entry's text as UTF-8 buffers of about BATCH_CHARS, counted into `entry` as they pass. */
function* encoded(text: Iterable<string>, entry: WrittenEntry): Generator<Buffer> {
  let pending = '';
  const flush = (): Buffer => {
    const bytes = Buffer.from(pending, 'utf8');
    pending = '';
    entry.crc = crc32(bytes, entry.crc);
    entry.size = checkZip32(entry.size + bytes.length, `${entry.name.toString()} in the archive`);
    return bytes;
  };
  for (const piece of text) {
    pending += piece;
    if (pending.length >= BATCH_CHARS) yield flush();
  }
  if (pending.length > 0) yield flush();
}

function localHeader(name: Buffer): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  // CRC and sizes (14-25) are zero here: the data descriptor carries them.
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

function dataDescriptor(entry: WrittenEntry): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(entry.crc >>> 0, 4);
  descriptor.writeUInt32LE(entry.compressed, 8);
  descriptor.writeUInt32LE(entry.size, 12);
  return descriptor;
}

function centralHeader(entry: WrittenEntry): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(entry.crc >>> 0, 16);
  header.writeUInt32LE(entry.compressed, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  // Extra field, comment, disk, attributes (30-41): none.
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

function endOfCentralDirectory(entries: number, size: number, offset: number): Buffer {
  if (entries > 0xffff) throw new Error('more than 65,535 entries need zip64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return end;
}

/** The archive's bytes, each entry's text produced and compressed only as the bytes are read. */
export async function* zipBytes(entries: Iterable<ZipEntry>): AsyncGenerator<Buffer> {
  const written: WrittenEntry[] = [];
  let offset = 0;
  for (const { name, text } of entries) {
    const entry: WrittenEntry = { name: Buffer.from(name, 'utf8'), crc: 0, compressed: 0, size: 0, offset };
    const header = localHeader(entry.name);
    yield header;
    offset += header.length;
    // An error while the text is produced reaches the deflate stream, and through it this loop.
    const deflated = pipeline(Readable.from(encoded(text, entry)), zlib.createDeflateRaw(), () => undefined);
    for await (const chunk of deflated) {
      const bytes = chunk as Buffer;
      entry.compressed += bytes.length;
      yield bytes;
    }
    checkZip32(entry.compressed, `${name} compressed`);
    const descriptor = dataDescriptor(entry);
    yield descriptor;
    offset = checkZip32(offset + entry.compressed + descriptor.length, 'the archive');
    written.push(entry);
  }
  const directory = Buffer.concat(written.map(centralHeader));
  yield directory;
  yield endOfCentralDirectory(written.length, directory.length, offset);
}

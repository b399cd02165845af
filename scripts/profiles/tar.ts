/**
 * A gzipped tar archive of regular files, byte-for-byte the same for the same input: what a FHIR package is
 * ("a tarball (tar in gzip) that contains a package folder", https://hl7.org/fhir/packages.html; the same
 * text as https://confluence.hl7.org/display/FHIR/NPM+Package+Specification).
 *
 * The format is POSIX ustar (IEEE Std 1003.1, "pax" chapter, ustar interchange format): per file a 512-byte
 * header (name, octal mode/uid/gid/size/mtime, checksum, type '0', magic "ustar\0" version "00", a prefix for
 * names over 100 bytes), the content padded to 512 bytes, and two zero blocks at the end. Every FHIR package
 * reader (node-tar in fhir-package-loader/SUSHI, Java's NpmPackage, GNU tar) reads it.
 *
 * Why our own (~50 lines) rather than a library: node-tar is in node_modules only as a dependency of
 * fsh-sushi and tap, not ours; adding it would be a new dependency for this one writer, and a reproducible
 * archive needs every header field fixed anyway (mtime, owner, mode, order), which is most of the code.
 * Directories get no entries of their own (npm's own tarballs have none; readers create them).
 */
import { gzipSync } from 'node:zlib';

const BLOCK = 512;
/** 1985-10-26T08:15:00Z, the fixed time npm writes into reproducible tarballs (any fixed value would do) */
const MTIME = 499162500;

export interface TarEntry {
  /** the path inside the archive, `/`-separated: `package/package.json` */
  path: string;
  content: Buffer | string;
}

/** Splits a path into ustar's prefix (<= 155 bytes) and name (<= 100 bytes), at a slash */
function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`tar: ${path} is too long for a ustar header`);
}

function header(path: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const put = (text: string, at: number, len: number) => h.write(text, at, len, 'utf8');
  const octal = (n: number, at: number, len: number) => put(`${n.toString(8).padStart(len - 1, '0')}\0`, at, len);
  const [prefix, name] = splitName(path);
  put(name, 0, 100);
  octal(0o644, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(MTIME, 136, 12);
  put('        ', 148, 8); // the checksum is computed with its own field as spaces
  put('0', 156, 1); // regular file
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** The .tgz of `entries`, in the order given (callers sort them) */
export function tgz(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content, 'utf8');
    parts.push(header(e.path, body.length), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

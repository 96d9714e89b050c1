// Bytes of a file as text, chunk by chunk, never the whole file in one string. Reports how many
// bytes were read so the notebook's progress bar can show the fraction.
import { reportRead } from "../../extract/read_progress.ts";
import type { OpenFile } from "./storage.ts";

export interface ByteCounter {
  file: string;
  /** the file's size */
  total: number;
  /**
   * A file read twice (CSV: types, then rows) reports each pass as half of the file, so the
   * progress bar runs once from 0 to the file's size: pass 1 is {base: 0, scale: 0.5}, pass 2
   * {base: size / 2, scale: 0.5}.
   */
  base?: number;
  scale?: number;
}

/**
 * Bytes decoded per call. Node's TextDecoder returns a two-byte (UTF-16) string for a streamed
 * chunk of 1 MiB or more, even of pure ASCII: twice the memory of the one-byte string it returns
 * for a smaller one, and every substring a reader keeps of it pins that doubled chunk. Smaller
 * pieces also keep the records parsed from one piece few.
 */
const DECODE_BYTES = 256 * 1024;

export async function* decodeChunks(file: OpenFile, encoding: string, counter: ByteCounter): AsyncGenerator<string> {
  // fatal: a byte sequence that is not valid in the encoding is an error, never a silent U+FFFD.
  // The decoder drops a leading BOM (ignoreBOM defaults to false).
  const decoder = new TextDecoder(encoding, { fatal: true });
  let read = 0;
  let reported = 0;
  const report = () => reportRead({ file: counter.file, bytes: Math.round((counter.base ?? 0) + read * (counter.scale ?? 1)), total_bytes: counter.total });
  try {
    for await (const chunk of file.stream()) {
      for (let at = 0; at < chunk.byteLength; at += DECODE_BYTES) {
        const piece = at === 0 && chunk.byteLength <= DECODE_BYTES ? chunk : chunk.subarray(at, at + DECODE_BYTES);
        read += piece.byteLength;
        const text = decoder.decode(piece, { stream: true });
        if (read - reported >= 1 << 20) {
          reported = read;
          report();
        }
        if (text) yield text;
      }
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (e) {
    if (e instanceof TypeError && /decode|encoded|invalid/i.test(e.message)) {
      throw new Error(`${counter.file}: the file is not valid ${encoding} text (near byte ${read.toLocaleString("en-US")})`);
    }
    throw e;
  }
  report();
}

/** Lines of text with their 1-based numbers; `\r\n` and `\n` both end a line. */
export async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<[string, number]> {
  let rest = "";
  let n = 0;
  for await (const chunk of chunks) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield [text.slice(start, end), ++n];
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest) yield [rest.endsWith("\r") ? rest.slice(0, -1) : rest, ++n];
}

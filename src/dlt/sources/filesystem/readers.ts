// dlt's file readers as transformers over FileItems: `filesystem(...).pipe(read_csv())`. Each
// opens the file through the storage its URL names and yields pages of rows while it streams,
// so memory holds a page, not the file.
import { JSONParser } from "@streamparser/json";
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from "hyparquet";
import { reportRead } from "../../extract/read_progress.ts";
import { transformer, type DltResource } from "../../extract/resource.ts";
import { readCsvFile, type CsvOptions } from "./csv.ts";
import type { FileItem } from "./filesystem.ts";
import { storageFor, type OpenFile } from "./storage.ts";
import { decodeChunks, lines } from "./text.ts";

export interface ChunkOptions {
  /** rows per yielded page (dlt's default 1000 for jsonl, 10000 for csv) */
  chunksize?: number;
  encoding?: string;
}

type Reader<O> = (file: OpenFile, item: FileItem, options: O) => AsyncGenerator<unknown[]>;

/** A transformer that runs `read` over each FileItem of the page it is fed. */
function fileReader<O>(name: string, read: Reader<O>): DltResource {
  return transformer(
    {
      async *[name](items: FileItem | FileItem[], options?: O) {
        for (const item of Array.isArray(items) ? items : [items]) {
          if (!item || typeof item.file_url !== "string") {
            throw new Error(`${name}() reads FileItems: pipe it after dlt.sources.filesystem(...), e.g. filesystem({...}).pipe(${name}())`);
          }
          const file = await (await storageFor(item.file_url)).open(item.file_url);
          yield* read(file, item, (options ?? {}) as O);
        }
      },
    }[name],
    { name },
  );
}

async function* jsonlRows(file: OpenFile, item: FileItem, options: ChunkOptions): AsyncGenerator<unknown[]> {
  const chunksize = options.chunksize ?? 1000;
  const counter = { file: item.file_name, base: 0, total: file.size };
  let page: unknown[] = [];
  for await (const [text, n] of lines(decodeChunks(file, options.encoding ?? "utf-8", counter))) {
    if (!text.trim()) continue;
    try {
      page.push(JSON.parse(text));
    } catch (e) {
      throw new Error(`${item.file_name}, line ${n}: not valid JSON (${(e as Error).message})`);
    }
    if (page.length >= chunksize) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < end; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * A .json file: an array gives one row per element, an object is one row. Parsed as a byte
 * stream (JSON is UTF-8), so an error can name the line the tokenizer stopped on.
 */
async function* jsonRows(file: OpenFile, item: FileItem, options: ChunkOptions): AsyncGenerator<unknown[]> {
  const chunksize = options.chunksize ?? 1000;
  let parser: JSONParser | undefined;
  let page: unknown[] = [];
  let done = false;
  let line = 1;
  let consumed = 0;
  let reported = 0;
  for await (let chunk of file.stream()) {
    if (!parser) {
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      const first = chunk.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
      if (first === undefined) continue;
      if (first !== 0x5b && first !== 0x7b) throw new Error(`${item.file_name}: a .json file must hold an array of records or one object`);
      parser = new JSONParser({ paths: [first === 0x5b ? "$.*" : "$"], keepStack: false });
      parser.onValue = ({ value }) => void page.push(value);
      parser.onEnd = () => void (done = true);
      consumed = 0;
    }
    try {
      parser.write(chunk);
    } catch (e) {
      // The tokenizer counts bytes from the start: the newlines before its offset give the line.
      const at = (parser as unknown as { tokenizer?: { offset?: number } }).tokenizer?.offset ?? consumed;
      const where = line + countNewlines(chunk, Math.max(0, at - consumed));
      throw new Error(`${item.file_name}, line ${where}: not valid JSON (${(e as Error).message})`);
    }
    line += countNewlines(chunk);
    consumed += chunk.length;
    if (consumed - reported >= 1 << 20) {
      reported = consumed;
      reportRead({ file: item.file_name, bytes: consumed, total_bytes: file.size });
    }
    while (page.length >= chunksize) yield page.splice(0, chunksize);
  }
  if (parser && !done) {
    try {
      parser.end();
    } catch (e) {
      throw new Error(`${item.file_name}: the JSON ends before it is complete (${(e as Error).message})`);
    }
  }
  if (page.length) yield page;
}

export interface ParquetOptions {
  /** read only these columns */
  columns?: string[];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** hyparquet's values in the form dlt's normalizer takes: int64 as number when exact, DATE as ISO text. */
function parquetValue(v: unknown, isDate: boolean): unknown {
  if (typeof v === "bigint") return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
  if (isDate && v instanceof Date) return v.toISOString().slice(0, 10);
  return v;
}

/** A Parquet file, a row group at a time (its footer is read first, by range). */
async function* parquetRows(file: OpenFile, item: FileItem, options: ParquetOptions): AsyncGenerator<unknown[]> {
  const buffer: AsyncBuffer = { byteLength: file.size, slice: (start, end) => file.slice(start, end ?? file.size) };
  let metadata;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new Error(`${item.file_name}: not a Parquet file (${(e as Error).message})`);
  }
  const dates = new Set(
    metadata.schema.filter((s) => s.converted_type === "DATE" || s.logical_type?.type === "DATE").map((s) => s.name),
  );
  let rowStart = 0;
  let bytes = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = (await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, columns: options.columns, utf8: false })) as Record<string, unknown>[];
    for (const row of rows) for (const k in row) row[k] = parquetValue(row[k], dates.has(k));
    rowStart = rowEnd;
    bytes += Number(group.total_compressed_size ?? group.total_byte_size);
    reportRead({ file: item.file_name, bytes: Math.min(bytes, file.size), total_bytes: file.size });
    if (rows.length) yield rows;
  }
}

export const read_csv = fileReader<CsvOptions>("read_csv", (file, item, options) => readCsvFile(file, item.file_name, options));
export const read_jsonl = fileReader<ChunkOptions>("read_jsonl", jsonlRows);
export const read_json = fileReader<ChunkOptions>("read_json", jsonRows);
export const read_parquet = fileReader<ParquetOptions>("read_parquet", parquetRows);

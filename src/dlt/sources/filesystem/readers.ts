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

/** A .json file: an array gives one row per element, an object is one row. Parsed as a stream. */
async function* jsonRows(file: OpenFile, item: FileItem, options: ChunkOptions): AsyncGenerator<unknown[]> {
  const chunksize = options.chunksize ?? 1000;
  const counter = { file: item.file_name, base: 0, total: file.size };
  let parser: JSONParser | undefined;
  let page: unknown[] = [];
  let done = false;
  let line = 1;
  for await (const text of decodeChunks(file, options.encoding ?? "utf-8", counter)) {
    if (!parser) {
      const first = /\S/.exec(text)?.[0];
      if (!first) continue;
      if (first !== "[" && first !== "{") throw new Error(`${item.file_name}: a .json file must hold an array of records or one object`);
      parser = new JSONParser({ paths: [first === "[" ? "$.*" : "$"], keepStack: false });
      parser.onValue = ({ value }) => void page.push(value);
      parser.onEnd = () => void (done = true);
    }
    try {
      parser.write(text);
    } catch (e) {
      // The tokenizer names a character position; a line number is what a person can find.
      const at = /position "?(\d+)"?/.exec((e as Error).message);
      throw new Error(`${item.file_name}${at ? ` (line ${line} or later)` : ""}: not valid JSON (${(e as Error).message})`);
    }
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) line++;
    while (page.length >= chunksize) yield page.splice(0, chunksize);
  }
  if (parser && !done) {
    try {
      parser.end();
    } catch (e) {
      throw new Error(`${item.file_name}: the JSON ends early (${(e as Error).message})`);
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

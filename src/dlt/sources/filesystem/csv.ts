// CSV and TSV read as a stream (papaparse's parser over decoded chunks), with column types
// decided once for the whole file so a column never changes type between pages.
//
// The type rule (README "CSV types"): a first pass reads every value of the file; a column is
//   bigint  when every non-empty value is a plain integer (no leading zeros, no "+", within int64),
//   double  when every non-empty value is a plain decimal number with at most 15 significant
//           digits (so the double holds it exactly as written), or integers mixed with such,
//   bool    when every non-empty value is true/false (any case),
//   text    otherwise: the value exactly as in the file.
// An empty field is null (as pandas reads it). So no value is ever changed silently: "007",
// "1e400", "12345678901234567890.5" and "yes" keep a column text. `dtype` overrides per column.
import Papa from "papaparse";
import { decodeChunks, type ByteCounter } from "./text.ts";
import type { OpenFile } from "./storage.ts";

export type CsvColumnType = "text" | "bigint" | "double" | "bool";

export interface CsvOptions {
  /** field separator (pandas' `sep`); default "," and "\t" for .tsv files */
  sep?: string;
  /** rows per yielded page (pandas' `chunksize`, dlt's default 10000) */
  chunksize?: number;
  /** "text" keeps every value as written; or a type per column name */
  dtype?: "text" | Record<string, CsvColumnType>;
  /** text encoding label (default utf-8) */
  encoding?: string;
}

export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}, line ${line}: ${problem}`);
    this.name = "CsvError";
  }
}

interface CsvRecord {
  fields: string[];
  line: number;
}

function guessNewline(text: string): "\n" | "\r\n" | "\r" {
  const nl = text.indexOf("\n");
  if (nl > 0 && text[nl - 1] === "\r") return "\r\n";
  if (nl < 0 && text.includes("\r")) return "\r";
  return "\n";
}

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Records of a CSV file with the line each starts on; blank lines are skipped, as pandas does. */
async function* records(file: OpenFile, sep: string, encoding: string, counter: ByteCounter): AsyncGenerator<CsvRecord[]> {
  let partial = "";
  let line = 1;
  let newline: "\n" | "\r\n" | "\r" | undefined;
  const lineChar = () => (newline === "\r" ? "\r" : "\n");
  const parse = (input: string, last: boolean): CsvRecord[] => {
    newline ??= guessNewline(input);
    const res = new Papa.Parser({ delimiter: sep, newline, quoteChar: '"' }).parse(input, 0, !last);
    const rows = res.data as string[][];
    const out: CsvRecord[] = [];
    const starts: number[] = [];
    for (const fields of rows) {
      starts.push(line);
      if (!(fields.length === 1 && fields[0] === "")) out.push({ fields, line });
      let extra = 0;
      for (const f of fields) if (f.includes(lineChar())) extra += countChar(f, lineChar());
      line += 1 + extra;
    }
    if (res.errors.length) {
      const e = res.errors[0];
      const at = e.row !== undefined && e.row < starts.length ? starts[e.row] : line;
      const problem =
        e.code === "MissingQuotes" ? "a quoted field is never closed" : e.code === "InvalidQuotes" ? "a quoted field is followed by text before the separator" : e.message;
      throw new CsvError(counter.file, at, problem);
    }
    partial = input.substring(res.meta.cursor);
    return out;
  };
  for await (const text of decodeChunks(file, encoding, counter)) {
    const out = parse(partial + text, false);
    if (out.length) yield out;
  }
  if (partial) {
    const out = parse(partial, true);
    if (out.length) yield out;
  }
}

/** pandas' header names: an empty one is "Unnamed: i", a repeated one gets ".1", ".2". */
function headerNames(fields: string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    let name = f === "" ? `Unnamed: ${i}` : f;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0) name = `${name}.${n}`;
    return name;
  });
}

const INT = /^(?:0|-?[1-9]\d*)$/;
const DEC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BOOL = /^(?:true|false)$/i;
const INT64_MAX = 9223372036854775807n;

function fitsInt64(v: string): boolean {
  if (v.length < 19) return true;
  const b = BigInt(v);
  return b <= INT64_MAX && b >= -INT64_MAX - 1n;
}

function significantDigits(v: string): number {
  const mantissa = v.replace(/^-/, "").replace(/[eE].*$/, "").replace(".", "");
  return mantissa.replace(/^0+/, "").length;
}

/** Per column: which types every value seen so far allows. */
class ColumnTypes {
  private int: boolean[];
  private dbl: boolean[];
  private bool: boolean[];

  constructor(n: number) {
    this.int = new Array(n).fill(true);
    this.dbl = new Array(n).fill(true);
    this.bool = new Array(n).fill(true);
  }

  see(fields: string[]): void {
    for (let i = 0; i < fields.length; i++) {
      const v = fields[i];
      if (v === "") continue;
      if (this.int[i] && !(INT.test(v) && fitsInt64(v))) this.int[i] = false;
      if (this.dbl[i] && !(DEC.test(v) && significantDigits(v) <= 15 && Number.isFinite(Number(v)))) this.dbl[i] = false;
      if (this.bool[i] && !BOOL.test(v)) this.bool[i] = false;
    }
  }

  result(): CsvColumnType[] {
    return this.int.map((_, i) => (this.int[i] ? "bigint" : this.dbl[i] ? "double" : this.bool[i] ? "bool" : "text"));
  }
}

type Convert = (v: string) => unknown;
const FAIL = Symbol("not parsable");

/**
 * A copy of `v` that holds only its own characters. The parser's fields are substrings of the
 * decoded chunk, and V8 keeps a substring of 13 or more characters as a view ("sliced string")
 * that pins the whole chunk: a page of rows would keep alive every chunk its text values came
 * from, memory the page size estimate never sees (for a file of long rows, a multiple of the
 * values). Shorter substrings are copies already. JSON's round trip makes a fresh flat string of
 * any content (lone surrogates included) and is as fast as the alternatives measured.
 */
function ownString(v: string): string {
  return v.length < 13 ? v : (JSON.parse(JSON.stringify(v)) as string);
}

const converters: Record<CsvColumnType, Convert> = {
  text: ownString,
  bigint: (v) => {
    if (!INT.test(v) || !fitsInt64(v)) return FAIL;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : BigInt(v);
  },
  double: (v) => {
    if (!DEC.test(v)) return FAIL;
    const n = Number(v);
    return Number.isFinite(n) ? n : FAIL;
  },
  bool: (v) => (BOOL.test(v) ? v.length === 4 : FAIL),
};

/** Rows of one CSV/TSV file, `chunksize` per page. Throws CsvError naming the line of a malformed record. */
export async function* readCsvFile(file: OpenFile, name: string, options: CsvOptions = {}): AsyncGenerator<Record<string, unknown>[]> {
  const sep = options.sep ?? (/\.tsv$/i.test(name) ? "\t" : ",");
  const encoding = options.encoding ?? "utf-8";
  const chunksize = options.chunksize ?? 10_000;
  const dtype = options.dtype;
  let header: string[] | undefined;
  let types: CsvColumnType[] | undefined;

  const check = (rec: CsvRecord) => {
    if (rec.fields.length !== header!.length) {
      throw new CsvError(name, rec.line, `expected ${header!.length} fields, found ${rec.fields.length}`);
    }
  };
  const forced = (col: string): CsvColumnType | undefined => (dtype === "text" ? "text" : dtype?.[col]);

  // Pass 1: the header, and the types every value allows (skipped when dtype fixes every column).
  const twoPasses = dtype !== "text";
  const counter: ByteCounter = { file: name, total: file.size, base: 0, scale: twoPasses ? 0.5 : 1 };
  if (twoPasses) {
    let seen: ColumnTypes | undefined;
    for await (const batch of records(file, sep, encoding, counter)) {
      for (const rec of batch) {
        if (!header) {
          header = headerNames(rec.fields);
          seen = new ColumnTypes(header.length);
          continue;
        }
        check(rec);
        seen!.see(rec.fields);
      }
    }
    if (!header) return;
    const inferred = seen!.result();
    types = header.map((h, i) => forced(h) ?? inferred[i]);
    counter.base = file.size / 2;
  }

  // Pass 2: rows, typed.
  let page: Record<string, unknown>[] = [];
  let first = true;
  for await (const batch of records(file, sep, encoding, counter)) {
    for (const rec of batch) {
      if (first) {
        first = false;
        header ??= headerNames(rec.fields);
        types ??= header.map((h) => forced(h) ?? "text");
        continue;
      }
      check(rec);
      const row: Record<string, unknown> = {};
      for (let i = 0; i < header!.length; i++) {
        const v = rec.fields[i];
        if (v === "") {
          row[header![i]] = null;
          continue;
        }
        const out = converters[types![i]](v);
        if (out === FAIL) throw new CsvError(name, rec.line, `column "${header![i]}" is ${types![i]} but has ${JSON.stringify(v)}`);
        row[header![i]] = out;
      }
      page.push(row);
      if (page.length >= chunksize) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length) yield page;
}

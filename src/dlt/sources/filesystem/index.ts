// dlt.sources.filesystem and its readers (dlt/sources/filesystem).
export { filesystem, globMatcher, mimeType, type FileItem, type FilesystemOptions } from "./filesystem.ts";
export { read_csv, read_json, read_jsonl, read_parquet, type ChunkOptions, type ParquetOptions } from "./readers.ts";
export { CsvError, type CsvOptions, type CsvColumnType } from "./csv.ts";
export { setFileStorage, type FileStorage, type ListedFile, type OpenFile } from "./storage.ts";

// Readers of large inputs (the filesystem source's CSV/JSONL/Parquet readers) say how far into a
// file they are, in bytes; the extractor forwards it with its item count to the pipeline's
// progress, so a long file shows a real fraction instead of a spinner.

export interface ReadProgress {
  file: string;
  bytes: number;
  total_bytes: number;
}

let listener: ((p: ReadProgress) => void) | undefined;

/** The extractor listens while it runs resources. */
export function setReadProgressListener(fn: ((p: ReadProgress) => void) | undefined): void {
  listener = fn;
}

export function reportRead(p: ReadProgress): void {
  listener?.(p);
}

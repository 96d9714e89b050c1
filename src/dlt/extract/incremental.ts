// dlt.sources.incremental — being built (issue 4). Placeholder so the API surface exists.
export class Incremental {
  constructor(readonly cursor_path: string, readonly options: Record<string, unknown> = {}) {
    throw new Error("dlt.sources.incremental is not implemented yet");
  }
}

export function incremental(cursor_path: string, options: Record<string, unknown> = {}): Incremental {
  return new Incremental(cursor_path, options);
}

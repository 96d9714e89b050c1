// Pipeline state as dlt keeps it (dlt/pipeline/state_sync.py, dlt/common/pipeline.py): a dict
// versioned by a content hash, written to `_dlt_pipeline_state` as base64(zlib(typed JSON)).
import { unzlibSync, zlibSync, strFromU8, strToU8 } from "fflate";
import { base64, canonicalJson, digest256, fromBase64 } from "../utils/digest.ts";

export const STATE_ENGINE_VERSION = 4;

export interface PipelineState {
  _state_version: number;
  _state_engine_version: number;
  _version_hash?: string;
  pipeline_name: string;
  dataset_name?: string | null;
  default_schema_name?: string | null;
  schema_names?: string[];
  destination_type?: string | null;
  destination_name?: string | null;
  sources?: Record<string, SourceState>;
  _local: {
    first_run: boolean;
    _last_extracted_at?: string;
    _last_extracted_hash?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface SourceState {
  resources?: Record<string, Record<string, unknown>>;
  [k: string]: unknown;
}

export function newState(pipelineName: string): PipelineState {
  return {
    _state_version: 0,
    _state_engine_version: STATE_ENGINE_VERSION,
    pipeline_name: pipelineName,
    _local: { first_run: true },
  };
}

/** Hash of the content that is synced: version fields and the local block left out. */
export function stateContentHash(state: PipelineState): string {
  const { _state_version, _state_engine_version, _version_hash, _local, ...content } = state;
  void _state_version; void _state_engine_version; void _version_hash; void _local;
  return digest256(canonicalJson(content));
}

/** Bumps `_state_version` when the content changed; true when it did. */
export function bumpStateVersion(state: PipelineState): boolean {
  const hash = stateContentHash(state);
  if (hash === state._version_hash) return false;
  state._state_version += 1;
  state._version_hash = hash;
  return true;
}

// dlt's typed JSON marks values JSON can't carry with a private-use character prefix.
const DATETIME_MARK = "\uF027";
const BYTES_MARK = "\uF02B";
const DECIMAL_MARK = "\uF026";

function toTyped(value: unknown): unknown {
  if (value instanceof Date) return DATETIME_MARK + value.toISOString().replace("Z", "+00:00");
  if (value instanceof Uint8Array) return BYTES_MARK + base64(value);
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : DECIMAL_MARK + value.toString();
  if (Array.isArray(value)) return value.map(toTyped);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toTyped(v)]));
  }
  return value;
}

function fromTyped(value: unknown): unknown {
  if (typeof value === "string" && value.length > 0) {
    const mark = value[0];
    if (mark === DATETIME_MARK) return new Date(value.slice(1));
    if (mark === BYTES_MARK) return fromBase64(value.slice(1));
    if (mark === DECIMAL_MARK) return value.slice(1);
    return value;
  }
  if (Array.isArray(value)) return value.map(fromTyped);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromTyped(v)]));
  }
  return value;
}

/** The `state` column: compressed typed JSON of everything but `_local`. */
export function encodeState(state: PipelineState): string {
  const { _local, ...synced } = state;
  void _local;
  const json = JSON.stringify(toTyped(synced));
  return base64(zlibSync(strToU8(json), { level: 9 }));
}

/** Reads a `state` column value; accepts plain JSON too, as dlt does. */
export function decodeState(text: string): PipelineState {
  const trimmed = text.trim();
  const json = trimmed.startsWith("{") ? trimmed : strFromU8(unzlibSync(fromBase64(trimmed)));
  const state = fromTyped(JSON.parse(json)) as PipelineState;
  state._local = { first_run: false };
  return state;
}

/** `sources.<source>`, created on demand. */
export function sourceState(state: PipelineState, sourceName: string): SourceState {
  state.sources ??= {};
  return (state.sources[sourceName] ??= {});
}

/** `sources.<source>.resources.<resource>`, created on demand. */
export function resourceState(state: PipelineState, sourceName: string, resourceName: string): Record<string, unknown> {
  const src = sourceState(state, sourceName);
  src.resources ??= {};
  return (src.resources[resourceName] ??= {});
}

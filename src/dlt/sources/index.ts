// dlt.sources: incremental loading, the configuration-driven REST API source, and files.
import { incremental, Incremental } from "../extract/incremental.ts";
import { rest_api_resources, rest_api_source } from "./rest_api/index.ts";
import { filesystem, read_csv, read_json, read_jsonl, read_parquet } from "./filesystem/index.ts";

export const sources = { incremental, Incremental, rest_api_source, rest_api_resources, filesystem, read_csv, read_jsonl, read_json, read_parquet };

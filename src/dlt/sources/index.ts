// dlt.sources: incremental loading and the configuration-driven REST API source.
import { incremental, Incremental } from "../extract/incremental.ts";
import { rest_api_resources, rest_api_source } from "./rest_api/index.ts";

export const sources = { incremental, Incremental, rest_api_source, rest_api_resources };

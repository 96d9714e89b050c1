// dlt.sources.rest_api_source / rest_api_resources: a REST API described by a config object.
import { DltSource } from "../../extract/source.ts";
import { rest_api_resources } from "./resources.ts";
import type { RESTAPIConfig, RestApiSourceOptions } from "./typing.ts";

export { rest_api_resources };
export { RestApiConfigError } from "./config.ts";
export type * from "./typing.ts";

/** A source named `rest_api` (its schema too, unless `name` says otherwise), as in dlt. */
export function rest_api_source(config: RESTAPIConfig, options: RestApiSourceOptions = {}): DltSource {
  const { name = "rest_api", ...rest } = options;
  return new DltSource(name, rest_api_resources(config), rest);
}

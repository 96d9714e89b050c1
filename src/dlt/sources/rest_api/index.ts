// dlt.sources.rest_api_source — being built (issue 5). Placeholder so the API surface exists.
export function rest_api_source(_config: unknown): never {
  throw new Error("rest_api_source is not implemented yet");
}

export function rest_api_resources(_config: unknown): never {
  throw new Error("rest_api_resources is not implemented yet");
}

// dlt.sources.helpers.rest_client: the HTTP client, paginators and auth behind rest_api.
export { RESTClient, configSnippet } from "./client.ts";
export type { ClientOptions, PaginateOptions, RequestOptions, ResponseAction, ResponseHook, PageData } from "./client.ts";
export {
  BasePaginator,
  SinglePagePaginator,
  PageNumberPaginator,
  OffsetPaginator,
  JSONLinkPaginator,
  HeaderLinkPaginator,
  JSONResponseCursorPaginator,
  HeaderCursorPaginator,
} from "./paginators.ts";
export { createPaginator, register_paginator } from "./paginator_factory.ts";
export type { PaginatorConfig } from "./paginator_factory.ts";
export { detectDataSelector, detectPaginator } from "./detector.ts";
export { APIKeyAuth, BearerTokenAuth, HttpBasicAuth, createAuth } from "./auth.ts";
export type { AuthBase, AuthConfig } from "./auth.ts";
export { HTTPError, ConnectionError, RequestTimeout, JSONDecodeError, IgnoreResponseException, PaginatorError } from "./errors.ts";
export { RESTResponse } from "./response.ts";
export type { Request } from "./request.ts";
export { DEFAULT_RETRY, DEFAULT_TIMEOUT } from "./retry.ts";
export type { RetrySettings } from "./retry.ts";
export { findValues, compilePath } from "./jsonpath.ts";

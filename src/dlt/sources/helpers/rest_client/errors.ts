// Errors of the REST client, named like the `requests` errors a dlt user would search for.
// Every message and URL here is already redacted by the client that raises it.
import { ValueError } from "../../../errors.ts";

/** A response with status >= 400 (after retries): "401 Client Error: Unauthorized for url: ...". */
export class HTTPError extends Error {
  readonly status: number;
  readonly url: string;
  readonly reason: string;

  constructor(status: number, reason: string, url: string) {
    const kind = status < 500 ? "Client" : "Server";
    super(`${status} ${kind} Error: ${reason} for url: ${url}`);
    this.name = "HTTPError";
    this.status = status;
    this.reason = reason;
    this.url = url;
  }

  /** dlt/requests spelling. */
  get status_code(): number {
    return this.status;
  }
}

/** No response at all (refused connection, DNS, reset, timeout) after the last attempt. */
export class ConnectionError extends Error {
  readonly url: string;
  readonly attempts: number;

  constructor(message: string, url: string, attempts: number, cause?: unknown) {
    super(message);
    this.name = "ConnectionError";
    this.url = url;
    this.attempts = attempts;
    if (cause !== undefined) this.cause = cause;
  }
}

/** The request took longer than the client's `timeout`. */
export class RequestTimeout extends ConnectionError {
  constructor(url: string, timeoutSeconds: number, attempts: number) {
    super(`Request to ${url} timed out after ${timeoutSeconds} s (attempt ${attempts})`, url, attempts);
    this.name = "RequestTimeout";
  }
}

/** A body that was supposed to be JSON and is not. */
export class JSONDecodeError extends Error {
  readonly url: string;
  readonly status: number;

  constructor(method: string, url: string, status: number, detail: string, preview: string) {
    super(
      `Response from ${method} ${url} (status ${status}) is not valid JSON: ${detail}. The body starts with: ${JSON.stringify(preview)}`,
    );
    this.name = "JSONDecodeError";
    this.url = url;
    this.status = status;
  }
}

/**
 * Thrown by a response action (or by your own response hook) to skip a response: no data from
 * it, and pagination of that request stops.
 */
export class IgnoreResponseException extends Error {
  constructor() {
    super("Response ignored");
    this.name = "IgnoreResponseException";
  }
}

/** A paginator that was configured or behaved inconsistently; dlt raises ValueError for these. */
export class PaginatorError extends ValueError {
  constructor(message: string) {
    super(message);
    this.name = "PaginatorError";
  }
}

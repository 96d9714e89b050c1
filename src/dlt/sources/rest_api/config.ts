// Turns the resources of a RESTAPIConfig into complete resource configs: names expanded to
// endpoints, resource_defaults merged in, single-entity endpoints recognised, dlt's legacy
// `resolve` / `incremental` params rewritten to the placeholder forms.
import { DltResource } from "../../extract/resource.ts";
import { findExpressions, isPlainObject, parseTemplate } from "./placeholders.ts";
import type { Endpoint, EndpointResource, EndpointResourceBase, IncrementalConfig, RESTAPIConfig, ResolveParamConfig } from "./typing.ts";

export class RestApiConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestApiConfigError";
  }
}

/** A resource config after expansion: `endpoint` is always an object with a `path`. */
export interface ResolvedResource extends EndpointResource {
  endpoint: Endpoint & { path: string };
}

/** Settings that replace the default as a whole rather than merge into it. */
const REPLACED_WHOLE = new Set(["paginator", "auth", "incremental", "response_actions", "processing_steps", "include_from_parent"]);

/** Defaults under overrides, recursively for plain objects; the override wins. */
export function deepMerge<T>(defaults: unknown, override: T): T {
  if (!isPlainObject(defaults) || !isPlainObject(override)) return (override === undefined ? defaults : override) as T;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    out[k] = REPLACED_WHOLE.has(k) ? v : deepMerge(out[k], v);
  }
  return out as T;
}

/** A copy of the plain-object structure; functions, class instances and arrays' items kept. */
function copyPlain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyPlain) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyPlain(x)])) as T;
  return v;
}

function lastSegment(path: string): string {
  const clean = path.split("?")[0].replace(/\/+$/, "");
  return clean.slice(clean.lastIndexOf("/") + 1);
}

/** `posts/{id}` or `posts/{resources.posts.id}`: one object, not a page of a list. */
export function isSingleEntityPath(path: string): boolean {
  try {
    return parseTemplate(lastSegment(path)).some((s) => "field" in s);
  } catch {
    return false;
  }
}

const CONTEXTS = ["resources", "incremental"];

function makeResource(entry: string | EndpointResource, defaults: EndpointResourceBase): ResolvedResource {
  let res: EndpointResource;
  if (typeof entry === "string") res = { name: entry, endpoint: { path: entry } };
  else if (isPlainObject(entry)) res = copyPlain(entry);
  else throw new RestApiConfigError(`A resource must be a name, a resource config object or a dlt resource, not ${typeof entry}`);
  if (typeof res.name !== "string" || !res.name) {
    throw new RestApiConfigError(`Every resource config needs a \`name\` (got ${JSON.stringify(entry).slice(0, 120)})`);
  }
  if (typeof res.endpoint === "string") res.endpoint = { path: res.endpoint };
  else if (res.endpoint === undefined || res.endpoint === null) res.endpoint = {};
  const endpoint = res.endpoint as Endpoint;
  if (endpoint.path === undefined) endpoint.path = res.name;

  const defaultsCopy = copyPlain(defaults);
  if (typeof defaultsCopy.endpoint === "string") defaultsCopy.endpoint = { path: defaultsCopy.endpoint };
  const merged = deepMerge(defaultsCopy, res) as ResolvedResource;
  const ep = merged.endpoint;

  if (isSingleEntityPath(ep.path)) {
    if (ep.data_selector === undefined || ep.data_selector === null) ep.data_selector = "$";
    if (ep.paginator === undefined || ep.paginator === null) ep.paginator = "single_page";
  }
  bindLegacyParams(merged);
  validateExpressions(merged);
  return merged;
}

/**
 * dlt's older forms: `params: { id: { type: "resolve", resource, field } }` with `{id}` in
 * the path, static params named in the path, and an `{ type: "incremental", ... }` param.
 */
function bindLegacyParams(res: ResolvedResource): void {
  const ep = res.endpoint;
  const params = { ...(ep.params ?? {}) };
  const resolveParams = new Set(
    Object.entries(params)
      .filter(([, v]) => isPlainObject(v) && v.type === "resolve")
      .map(([k]) => k),
  );
  let path = "";
  for (const seg of parseTemplate(ep.path)) {
    if ("literal" in seg) {
      path += seg.literal.replace(/[{}]/g, (b) => b + b);
      continue;
    }
    const field = seg.field;
    if (CONTEXTS.some((c) => field.startsWith(c + "."))) {
      path += `{${field}}`;
    } else if (resolveParams.has(field)) {
      const p = params[field] as unknown as ResolveParamConfig;
      if (!p.resource || !p.field) throw new RestApiConfigError(`Resource \`${res.name}\`: resolve param \`${field}\` needs \`resource\` and \`field\``);
      path += `{resources.${p.resource}.${p.field}}`;
      resolveParams.delete(field);
      delete params[field];
    } else if (field in params && !isPlainObject(params[field])) {
      path += String(params[field]).replace(/[{}]/g, (b) => b + b);
      delete params[field];
    } else if (field.includes(".")) {
      throw new RestApiConfigError(
        `The path \`${ep.path}\` of resource \`${res.name}\` contains the placeholder \`{${field}}\`, which is not a valid name. Valid names start with: resources., incremental.`,
      );
    } else {
      throw new RestApiConfigError(
        `The path \`${ep.path}\` of resource \`${res.name}\` needs a param named \`${field}\`, but \`endpoint.params\` has none. To use a parent's field write \`{resources.<parent>.${field}}\`.`,
      );
    }
  }
  if (resolveParams.size > 0) {
    throw new RestApiConfigError(
      `Resource \`${res.name}\` defines resolve params ${[...resolveParams].map((p) => `\`${p}\``).join(", ")} that are not in its path \`${ep.path}\`. ` +
        "To use a parent's field in query params write 'resources.<parent_resource>.<field>'.",
    );
  }
  const incrementalParams = Object.entries(params).filter(([, v]) => isPlainObject(v) && v.type === "incremental");
  if (incrementalParams.length > 1) {
    throw new RestApiConfigError(`Resource \`${res.name}\`: only one incremental param is allowed, found ${incrementalParams.map(([k]) => k).join(", ")}`);
  }
  if (incrementalParams.length === 1) {
    const [name, cfg] = incrementalParams[0] as [string, Record<string, unknown>];
    if (ep.incremental) throw new RestApiConfigError(`Resource \`${res.name}\` has both \`endpoint.incremental\` and an incremental param \`${name}\``);
    if (cfg.end_value !== undefined || cfg.end_param !== undefined) {
      throw new RestApiConfigError(
        `Resource \`${res.name}\`: only \`cursor_path\` and \`initial_value\` are allowed in the incremental param \`${name}\`; set \`end_value\` in \`endpoint.incremental\`.`,
      );
    }
    const { type: _type, ...rest } = cfg;
    ep.incremental = { ...(rest as unknown as IncrementalConfig), start_param: name };
    delete params[name];
  }
  for (const [k, v] of Object.entries(params)) {
    if (isPlainObject(v) && "type" in v) {
      throw new RestApiConfigError(`Resource \`${res.name}\`: param \`${k}\` has type \`${String(v.type)}\`; known types are resolve, incremental`);
    }
  }
  ep.path = path;
  ep.params = params;
}

function validateExpressions(res: ResolvedResource): void {
  const ep = res.endpoint;
  const allowed = ep.incremental ? CONTEXTS : ["resources"];
  for (const where of ["params", "json", "data", "headers"] as const) {
    for (const e of findExpressions(ep[where])) {
      if (!allowed.some((c) => e.startsWith(c + "."))) {
        throw new RestApiConfigError(
          `Expression \`{${e}}\` in \`${where}\` of resource \`${res.name}\` is not valid. Valid expressions start with: ${allowed.map((c) => c + ".").join(", ")}` +
            (e.startsWith("incremental.") ? " (`incremental.` needs `endpoint.incremental`)" : "") +
            ". Write literal braces as {{ and }}.",
        );
      }
    }
  }
  if (!ep.incremental) {
    for (const e of findExpressions(ep.path)) {
      if (e.startsWith("incremental.")) {
        throw new RestApiConfigError(`Resource \`${res.name}\` uses \`{${e}}\` in its path but has no \`endpoint.incremental\``);
      }
    }
  }
}

/** The config's resources by name, in config order; dlt resources pass through as they are. */
export function expandResources(config: RESTAPIConfig): Map<string, ResolvedResource | DltResource> {
  if (!config || typeof config !== "object") throw new RestApiConfigError("rest_api needs a config object with `client` and `resources`");
  if (!config.client || typeof config.client !== "object") throw new RestApiConfigError("rest_api config needs `client` (at least `base_url`)");
  if (!Array.isArray(config.resources) || config.resources.length === 0) {
    throw new RestApiConfigError("rest_api config needs `resources`: a list of names or resource configs");
  }
  const defaults = config.resource_defaults ?? {};
  const out = new Map<string, ResolvedResource | DltResource>();
  for (const entry of config.resources) {
    const res = entry instanceof DltResource ? entry : makeResource(entry as string | EndpointResource, defaults);
    if (out.has(res.name)) throw new RestApiConfigError(`Resource \`${res.name}\` is defined more than once`);
    out.set(res.name, res);
  }
  return out;
}

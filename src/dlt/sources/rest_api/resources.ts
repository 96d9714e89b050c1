// Turns expanded resource configs into dlt resources: a root resource pages through its
// endpoint; a dependent resource is a transformer of its parent that sends one request chain
// per parent record, with the parent's fields in the placeholders.
import { Incremental } from "../../extract/incremental.ts";
import { DltResource, resource, transformer, type ResourceOptions } from "../../extract/resource.ts";
import { RESTClient, type PaginateOptions } from "../helpers/rest_client/client.ts";
import { findValues } from "../helpers/rest_client/jsonpath.ts";
import { createPaginator } from "../helpers/rest_client/paginator_factory.ts";
import { expandResources, RestApiConfigError, type ResolvedResource } from "./config.ts";
import { orderResources, type ParentRef } from "./dependencies.ts";
import { expand, type Resolver } from "./placeholders.ts";
import type { IncrementalConfig, ProcessingStep, RESTAPIConfig } from "./typing.ts";

/** Resource-level keys that are dlt resource hints. */
const HINTS = ["table_name", "write_disposition", "primary_key", "merge_key", "columns", "max_table_nesting", "selected", "schema_contract"] as const;

/** dlt.sources.rest_api_resources(config): the config's resources, parents first. */
export function rest_api_resources(config: RESTAPIConfig): DltResource[] {
  const expanded = expandResources(config);
  const { order, parents } = orderResources(expanded);
  const client = new RESTClient(config.client);
  const built = new Map<string, DltResource>();
  for (const name of order) {
    const res = expanded.get(name)!;
    if (res instanceof DltResource) {
      built.set(name, res);
      continue;
    }
    // dlt builds each endpoint's paginator with the source: bad arguments fail here, not at extract.
    createPaginator(res.endpoint.paginator);
    const parent = parents.get(name);
    const r = parent ? dependentResource(client, res, parent, built.get(parent.parent)!) : rootResource(client, res);
    built.set(name, applyProcessingSteps(r, res.processing_steps));
  }
  return order.map((n) => built.get(n)!);
}

function hintsOf(res: ResolvedResource): ResourceOptions {
  const hints: Record<string, unknown> = { name: res.name };
  for (const k of HINTS) if (res[k] !== undefined) hints[k] = res[k];
  return hints as ResourceOptions;
}

function makeIncremental(cfg: IncrementalConfig | null | undefined): Incremental | undefined {
  if (!cfg) return undefined;
  if (typeof cfg.cursor_path !== "string" || !cfg.cursor_path) {
    throw new RestApiConfigError("`endpoint.incremental` needs a `cursor_path` (the field of each record that holds the cursor)");
  }
  const { cursor_path, start_param: _s, end_param: _e, convert: _c, transform: _t, ...options } = cfg;
  return new Incremental(cursor_path, options);
}

/** `{incremental.*}` values for requests, through the config's `convert`. */
function incrementalResolver(incr: Incremental | undefined, cfg: IncrementalConfig | null | undefined): Resolver {
  const convert = cfg?.convert ?? cfg?.transform ?? ((v: unknown) => v);
  return (field) => {
    if (!incr || !field.startsWith("incremental.")) throw new RestApiConfigError(`Unknown placeholder \`{${field}}\``);
    const key = field.slice("incremental.".length);
    const value =
      key === "start_value" ? incr.start_value
      : key === "last_value" ? incr.last_value
      : key === "initial_value" ? incr.initial_value
      : key === "end_value" ? incr.end_value
      : undefined;
    if (!["start_value", "last_value", "initial_value", "end_value"].includes(key)) {
      throw new RestApiConfigError(`Unknown placeholder \`{${field}}\`: use incremental.start_value, last_value, initial_value or end_value`);
    }
    return value === null || value === undefined ? value : convert(value);
  };
}

/** The request of one chain: placeholders filled, deprecated start/end params set. */
function requestFor(res: ResolvedResource, resolve: Resolver, incrResolve: Resolver): { path: string; options: PaginateOptions } {
  const ep = res.endpoint;
  const both: Resolver = (f) => (f.startsWith("incremental.") ? incrResolve(f) : resolve(f));
  const params = expand(ep.params ?? {}, both, true) as Record<string, unknown>;
  const inc = ep.incremental;
  if (inc?.start_param) params[inc.start_param] = incrResolve("incremental.start_value");
  if (inc?.end_param) params[inc.end_param] = incrResolve("incremental.end_value");
  return {
    path: expand(ep.path, both),
    options: {
      method: ep.method,
      params,
      json: expand(ep.json, both, true),
      data: expand(ep.data, both, true),
      headers: expand(ep.headers, both) as Record<string, string> | undefined,
      paginator: ep.paginator,
      data_selector: ep.data_selector,
      response_actions: ep.response_actions,
      auth: ep.auth,
    },
  };
}

const noParent: Resolver = (field) => {
  throw new RestApiConfigError(`Placeholder \`{${field}}\` needs a parent resource`);
};

function rootResource(client: RESTClient, res: ResolvedResource): DltResource {
  const incr = makeIncremental(res.endpoint.incremental);
  const incrResolve = incrementalResolver(incr, res.endpoint.incremental);
  return resource(
    async function* paginate_resource() {
      const { path, options } = requestFor(res, noParent, incrResolve);
      for await (const page of client.paginate(path, options)) yield [...page];
    },
    { ...hintsOf(res), incremental: incr },
  );
}

/** A parent record's value at a field path (`id`, `author.id`, a JSONPath). */
function parentField(item: unknown, field: string, child: string, parent: string): unknown {
  const values = item !== null && typeof item === "object" ? findValues(field, item) : [];
  if (values.length === 0 || values[0] === undefined) {
    throw new RestApiConfigError(
      `Resource \`${child}\` needs the field \`${field}\` of each \`${parent}\` record, but a record has no such field: ${JSON.stringify(item).slice(0, 200)}`,
    );
  }
  return values[0];
}

function dependentResource(client: RESTClient, res: ResolvedResource, ref: ParentRef, parent: DltResource): DltResource {
  const incr = makeIncremental(res.endpoint.incremental);
  const incrResolve = incrementalResolver(incr, res.endpoint.incremental);
  const prefix = `resources.${ref.parent}.`;
  const include = res.include_from_parent ?? [];
  return transformer(
    async function* paginate_dependent_resource(items: unknown) {
      for (const item of Array.isArray(items) ? items : [items]) {
        const resolve: Resolver = (field) => {
          if (!field.startsWith(prefix)) throw new RestApiConfigError(`Placeholder \`{${field}}\` in resource \`${res.name}\` does not refer to its parent \`${ref.parent}\``);
          return parentField(item, field.slice(prefix.length), res.name, ref.parent);
        };
        const extra = Object.fromEntries(include.map((f) => [`_${ref.parent}_${f}`, parentField(item, f, res.name, ref.parent)]));
        const { path, options } = requestFor(res, resolve, incrResolve);
        for await (const page of client.paginate(path, options)) {
          yield include.length ? page.map((rec) => (rec !== null && typeof rec === "object" ? { ...(rec as object), ...extra } : rec)) : [...page];
        }
      }
    },
    { ...hintsOf(res), incremental: incr, data_from: parent },
  );
}

function applyProcessingSteps(r: DltResource, steps: ProcessingStep[] | undefined): DltResource {
  for (const step of steps ?? []) {
    if (step.filter) r.add_filter(step.filter);
    if (step.map) r.add_map(step.map);
    if (step.yield_map) r.add_yield_map(step.yield_map);
  }
  return r;
}

// Which resource feeds which: a resource whose endpoint uses `{resources.<parent>.<field>}`
// runs once per record of <parent>. Resources come out parents first.
import { DltResource } from "../../extract/resource.ts";
import { RestApiConfigError, type ResolvedResource } from "./config.ts";
import { findExpressions } from "./placeholders.ts";

export interface ParentRef {
  /** The parent resource's name. */
  parent: string;
  /** Field paths read from each parent record (`id`, `meta.id`). */
  fields: string[];
}

/** The parent a resource depends on, if any. */
export function findParent(res: ResolvedResource): ParentRef | undefined {
  const ep = res.endpoint;
  const expressions = new Set<string>();
  for (const v of [ep.path, ep.params, ep.json, ep.data, ep.headers]) findExpressions(v, expressions);
  const parents = new Map<string, string[]>();
  for (const e of expressions) {
    if (!e.startsWith("resources.")) continue;
    const rest = e.slice("resources.".length);
    const dot = rest.indexOf(".");
    if (dot <= 0 || dot === rest.length - 1) {
      throw new RestApiConfigError(`Invalid placeholder \`{${e}}\` in resource \`${res.name}\`: expected {resources.<resource>.<field>}`);
    }
    const name = rest.slice(0, dot);
    parents.set(name, [...(parents.get(name) ?? []), rest.slice(dot + 1)]);
  }
  if (parents.size > 1) {
    throw new RestApiConfigError(`Resource \`${res.name}\` refers to more than one parent resource: ${[...parents.keys()].join(", ")}`);
  }
  const [entry] = parents;
  return entry ? { parent: entry[0], fields: entry[1] } : undefined;
}

/** Names in dependency order: every parent before its children, otherwise config order. */
export function orderResources(
  resources: Map<string, ResolvedResource | DltResource>,
): { order: string[]; parents: Map<string, ParentRef> } {
  const parents = new Map<string, ParentRef>();
  for (const [name, res] of resources) {
    if (res instanceof DltResource) continue;
    const ref = findParent(res);
    if (ref) {
      if (!resources.has(ref.parent)) {
        throw new RestApiConfigError(
          `Resource \`${name}\` refers to a parent resource \`${ref.parent}\` that is not in the config (resources: ${[...resources.keys()].join(", ")})`,
        );
      }
      if (ref.parent === name) throw new RestApiConfigError(`Resource \`${name}\` refers to itself`);
      parents.set(name, ref);
    } else if (res.include_from_parent?.length) {
      throw new RestApiConfigError(`Resource \`${name}\` has \`include_from_parent\` but does not depend on another resource`);
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  let level = [...resources.keys()].filter((n) => !parents.has(n));
  while (level.length) {
    order.push(...level);
    level.forEach((n) => done.add(n));
    level = [...resources.keys()].filter((n) => !done.has(n) && done.has(parents.get(n)!.parent));
  }
  if (order.length !== resources.size) {
    const stuck = [...resources.keys()].filter((n) => !done.has(n));
    throw new RestApiConfigError(`Resources ${stuck.join(", ")} depend on each other in a cycle`);
  }
  return { order, parents };
}

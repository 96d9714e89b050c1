// dlt.current: the state of the source and resource being extracted, for resources that keep
// their own bookkeeping (dlt/extract/state.py). Valid only while a resource runs.
import { PipelineStateError } from "../errors.ts";
import { resourceState, sourceState, type PipelineState } from "../pipeline/state.ts";

interface Running {
  state: PipelineState;
  sourceName: string;
  resourceName: string;
}

let running: Running | undefined;

/** The extractor says which resource's code runs next (undefined when extraction ends). */
export function setRunningResource(r: Running | undefined): void {
  running = r;
}

function require(what: string): Running {
  if (!running) throw new PipelineStateError(`${what} is available only while a resource is being extracted (inside the resource function)`);
  return running;
}

export const current = {
  /** `sources.<source>` of the pipeline state: kept between runs, committed with the data. */
  source_state(): Record<string, unknown> {
    const r = require("dlt.current.source_state()");
    return sourceState(r.state, r.sourceName);
  },
  /** `sources.<source>.resources.<resource>`: the running resource's own state (or the named one's). */
  resource_state(resource_name?: string): Record<string, unknown> {
    const r = require("dlt.current.resource_state()");
    return resourceState(r.state, r.sourceName, resource_name ?? r.resourceName);
  },
};

// Errors with dlt's names and messages (dlt/pipeline/exceptions.py, dlt/extract/exceptions.py),
// so that a cell's error reads like the one a dlt user would search for.

export type TPipelineStep = "sync" | "extract" | "normalize" | "load";

export class DltException extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class PipelineStepFailed extends DltException {
  readonly pipeline_name: string;
  readonly step: TPipelineStep;
  readonly load_id: string | null;
  readonly exception: Error;
  readonly step_info: unknown;
  readonly has_pending_data: boolean;
  readonly is_package_partially_loaded: boolean;

  constructor(args: {
    pipeline_name: string;
    step: TPipelineStep;
    load_id: string | null;
    exception: Error;
    step_info?: unknown;
    has_pending_data?: boolean;
  }) {
    const { step, load_id, exception } = args;
    const where = load_id
      ? `when processing package with \`load_id=${load_id}\` `
      : "";
    let message =
      `Pipeline execution failed at \`step=${step}\` ${where}with exception:\n\n` +
      `<class '${exceptionPath(exception)}'>\n${exception.message}`;
    if (args.has_pending_data && (step === "normalize" || step === "load")) {
      message +=
        "\nPending packages are left in the pipeline and will be re-tried on the next pipeline run." +
        " If you pass new data to extract to next run, it will be ignored." +
        ` Run \`dlt pipeline ${args.pipeline_name} info\` for more information or` +
        ` \`dlt pipeline ${args.pipeline_name} drop-pending-packages\` to drop pending packages.`;
    }
    super(message);
    this.pipeline_name = args.pipeline_name;
    this.step = step;
    this.load_id = load_id;
    this.exception = exception;
    this.step_info = args.step_info;
    this.has_pending_data = !!args.has_pending_data;
    this.is_package_partially_loaded = false;
    this.cause = exception;
  }
}

const DLT_MODULES: Record<string, string> = {
  ResourceExtractionError: "dlt.extract.exceptions",
  ResourceNameMissing: "dlt.extract.exceptions",
  DataValidationError: "dlt.common.schema.exceptions",
  NormalizeJobFailed: "dlt.normalize.exceptions",
  LoadClientJobFailed: "dlt.load.exceptions",
  CannotCoerceNullException: "dlt.common.schema.exceptions",
  CannotCoerceColumnException: "dlt.common.schema.exceptions",
  DictValidationException: "dlt.common.exceptions",
};

function exceptionPath(e: Error): string {
  const module = DLT_MODULES[e.name];
  return module ? `${module}.${e.name}` : e.name;
}

export class ResourceNameMissing extends DltException {
  constructor() {
    super(
      "Resource name is missing. If you create a resource directly from data ie. from a list you must pass the name explicitly in `name` argument.\n" +
        "Please note that for resources created from functions or generators, the name is the function name by default.",
    );
  }
}

/** An error raised by a resource's own code while it was being evaluated. */
export class ResourceExtractionError extends DltException {
  readonly resource_name: string;
  readonly kind: string;
  readonly func_name: string | null;

  constructor(resourceName: string, cause: unknown, kind = "generator", funcName?: string) {
    const inner = cause instanceof Error ? cause : new Error(String(cause));
    const func = funcName ? ` \`${funcName}\`` : "";
    super(
      `In processing pipe \`${resourceName}\`: extraction of resource \`${resourceName}\` in \`${kind}\`${func} caused an exception: ${inner.message}`,
    );
    this.func_name = funcName ?? null;
    this.resource_name = resourceName;
    this.kind = kind;
    this.cause = inner;
  }
}

export class NormalizeJobFailed extends DltException {
  readonly load_id: string;
  readonly job_id: string;

  constructor(loadId: string, jobId: string, cause: Error) {
    super(
      `Job for \`job_id=${jobId}\` failed terminally in load with \`load_id=${loadId}\` with message: ${cause.message}`,
    );
    this.load_id = loadId;
    this.job_id = jobId;
    this.cause = cause;
  }
}

export class LoadClientJobFailed extends DltException {
  readonly load_id: string;
  readonly job_id: string;
  readonly failed_message: string;

  constructor(loadId: string, jobId: string, failedMessage: string) {
    super(
      `Job with \`job_id=${jobId}\` and \`load_id=${loadId}\` failed terminally with message: ${failedMessage}. The package is aborted and cannot be retried.`,
    );
    this.load_id = loadId;
    this.job_id = jobId;
    this.failed_message = failedMessage;
  }
}

export class DestinationHasFailedJobs extends DltException {
  readonly destination_name: string;
  readonly load_id: string;
  readonly failed_jobs: unknown[];

  constructor(destinationName: string, loadId: string, failedJobs: unknown[]) {
    super(`Destination \`${destinationName}\` has failed jobs in load package \`${loadId}\``);
    this.destination_name = destinationName;
    this.load_id = loadId;
    this.failed_jobs = failedJobs;
  }
}

export class InvalidResourceArgument extends DltException {}

/** dlt.pipeline() with a name that can't be a folder name: checked before anything is written. */
export class InvalidPipelineName extends DltException {
  readonly pipeline_name: string;

  constructor(pipelineName: string, details: string) {
    super(
      `The pipeline name \`${pipelineName}\` contains invalid characters. The pipeline name is used to create a pipeline working directory and must be a valid directory name. Details: ${details}`,
    );
    this.pipeline_name = pipelineName;
  }
}

/** A table schema that breaks dlt's typed spec, e.g. a `dedup_sort` that is not "asc"/"desc". */
export class DictValidationException extends DltException {
  readonly path: string;
  readonly field: string | null;
  readonly value: unknown;
  readonly msg: string;

  constructor(msg: string, path: string, field: string | null = null, value: unknown = null) {
    super(`Path \`${path}\`: ${msg}`);
    this.path = path;
    this.field = field;
    this.value = value;
    this.msg = msg;
  }
}

/** Python's built-in ValueError: dlt raises it for invalid arguments (paginators, merge settings). */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class PipelineConfigError extends DltException {}
/** dlt.current used outside of a running resource. */
export class PipelineStateError extends DltException {}

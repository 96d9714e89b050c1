// A pipeline name becomes a folder under pipelines_dir (and a key in IndexedDB); dlt checks it
// as a file-name component on every platform (pathvalidate "Universal") plus `. % { }`, before
// anything touches the disk. A dataset name becomes a database schema: dlt normalizes it with
// the naming convention, so `DS_Case` and `ds_case` are one dataset.
import { InvalidPipelineName, PipelineConfigError } from "../errors.ts";
import { normalizeTableIdentifier } from "../naming/snake_case.ts";

const INVALID_CHARS = /[\x00-\x1f\x7f"*/:<>?\\|.%{}]/gu;
const RESERVED = /^(?:CON|PRN|AUX|CLOCK\$|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)$/i;
const MAX_BYTES = 255;

export function validatePipelineName(name: unknown): string {
  const fail = (details: string): never => {
    throw new InvalidPipelineName(String(name), details);
  };
  if (typeof name !== "string") return fail(`the name must be a string, not ${typeof name}`);
  if (name.length === 0) return fail("the name is empty");
  const invalid = [...new Set(name.match(INVALID_CHARS) ?? [])];
  if (invalid.length) {
    return fail(`invalid characters found: ${invalid.map((c) => JSON.stringify(c)).join(", ")} (path separators, \`. % { }\` and \`" * : < > ? |\` are not allowed)`);
  }
  if (RESERVED.test(name)) return fail(`\`${name}\` is a reserved name on Windows`);
  if (/\s$/u.test(name) || /^\s/u.test(name)) return fail("the name must not start or end with white space");
  if (new TextEncoder().encode(name).length > MAX_BYTES) return fail(`the name is longer than ${MAX_BYTES} bytes`);
  return name;
}

/** The schema name a dataset gets at the destination; "" and non-strings are config errors. */
export function destinationDatasetName(dataset: unknown): string {
  if (typeof dataset !== "string" || dataset.trim() === "") {
    throw new PipelineConfigError(
      `dataset_name must be a non-empty string, got ${JSON.stringify(dataset)}: it names the database schema the pipeline loads into`,
    );
  }
  const normalized = normalizeTableIdentifier(dataset);
  if (normalized !== dataset) {
    console.warn(
      `Due to normalization dataset name got changed from '${dataset}' to '${normalized}' which will be used to create db schemas or folders. \`dataset_name\` field in the pipeline instance will not be changed.`,
    );
  }
  return normalized;
}

// The normalize stage: items of extracted root tables → typed rows per table, evolving the schema.
export { ItemsNormalizer, type ItemsNormalizerOptions, type NormalizedRow } from "./items.ts";
export {
  CannotCoerceColumnException,
  CannotCoerceNullException,
  DataValidationError,
  SchemaException,
  UnboundColumnException,
  UnboundColumnWithoutTypeException,
} from "./errors.ts";
export { KeyError } from "./row_ids.ts";
export { expandContract, resolveContract, type ContractDict } from "./contracts.ts";

/**
 * @module ops/params
 * Parameters `{ name, textValue | numericValue | dateTimeValue | fileValue }` checked against
 * declared items (a process's data items or an action's form fields) by name and type. Values
 * come out keyed by name: text, number, ISO 8601 UTC text, or a stored file's description.
 */
import { HookflowError } from '../errors.js';
import type { OpsFiles } from './files.js';

export type DataType = 'TEXT' | 'NUMERIC' | 'DATETIME' | 'FILE';
export interface DataItem {
  name: string;
  type: DataType;
  required?: boolean;
}

const FIELD: Record<DataType, string> = { TEXT: 'textValue', NUMERIC: 'numericValue', DATETIME: 'dateTimeValue', FILE: 'fileValue' };
const TYPE_OF = Object.fromEntries(Object.entries(FIELD).map(([t, f]) => [f, t as DataType])) as Record<string, DataType>;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface ParamScope {
  operation: string;
  /** Declared items, or null when any name is accepted (an action without a form). */
  items: DataItem[] | null;
  /** Says what the items are, for errors: "data item of process X", "field of action Y's form". */
  where: string;
  files: OpsFiles;
  /** createRequest checks required items; updates and completions need not repeat them. */
  checkRequired?: boolean;
}

export async function parseParameters(list: unknown, scope: ParamScope): Promise<Record<string, unknown>> {
  const input = (reason: string) => new HookflowError('HF_ERR_OPS_INPUT', { operation: scope.operation, reason });
  if (list === undefined || list === null) list = [];
  if (isPlainObject(list)) list = fromValues(list, scope.items);
  if (!Array.isArray(list)) throw input('parameters must be an array');
  const out: Record<string, unknown> = {};
  for (const p of list as unknown[]) {
    if (!p || typeof p !== 'object' || typeof (p as { name?: unknown }).name !== 'string') throw input('each parameter needs a name');
    const param = p as Record<string, unknown> & { name: string };
    const given = Object.keys(TYPE_OF).filter((k) => param[k] !== undefined);
    if (given.length !== 1) throw input(`parameter ${param.name} needs exactly one of textValue, numericValue, dateTimeValue, fileValue`);
    const field = given[0]!;
    const item = scope.items ? scope.items.find((i) => i.name === param.name) : { name: param.name, type: TYPE_OF[field]! };
    if (!item) throw new HookflowError('HF_ERR_OPS_PARAMETER_UNKNOWN', { name: param.name, where: scope.where });
    const wrong = (reason: string) => new HookflowError('HF_ERR_OPS_PARAMETER_TYPE', { name: param.name, type: item.type, reason });
    if (FIELD[item.type] !== field) throw wrong(`send ${FIELD[item.type]}, not ${field}`);
    out[item.name] = await value(item.type, param[field], wrong, scope);
  }
  if (scope.checkRequired && scope.items) {
    const missing = scope.items.filter((i) => i.required && out[i.name] === undefined).map((i) => i.name);
    if (missing.length) throw input(`required parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
  }
  return out;
}

async function value(type: DataType, v: unknown, wrong: (r: string) => HookflowError, scope: ParamScope): Promise<unknown> {
  switch (type) {
    case 'TEXT':
      if (typeof v !== 'string') throw wrong('textValue must be a string');
      return v;
    case 'NUMERIC':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw wrong('numericValue must be a number');
      return v;
    case 'DATETIME': {
      const t = typeof v === 'string' && ISO.test(v) ? Date.parse(v) : NaN;
      if (!Number.isFinite(t)) throw wrong('dateTimeValue must be an ISO 8601 date and time');
      return new Date(t).toISOString();
    }
    case 'FILE':
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw wrong('fileValue must be an object');
      return scope.files.store('file', v as Record<string, unknown>, (reason) => new HookflowError('HF_ERR_OPS_INPUT', { operation: scope.operation, reason }));
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `{ NAME: value }` (the REST API's `values`) as parameters: typed by the declared item, else by the value. */
function fromValues(values: Record<string, unknown>, items: DataItem[] | null): unknown[] {
  return Object.entries(values).map(([name, v]) => {
    const declared = items?.find((i) => i.name === name)?.type;
    const type: DataType = declared ?? (typeof v === 'number' ? 'NUMERIC' : isPlainObject(v) ? 'FILE' : 'TEXT');
    return { name, [FIELD[type]]: v };
  });
}

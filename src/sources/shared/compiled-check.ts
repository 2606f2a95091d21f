import type * as v from 'valibot';

type Check = (value: unknown) => boolean;

/** The parts of a valibot schema object read here (each schema is a plain object describing itself). */
interface SchemaShape {
  type: string;
  pipe?: unknown;
  wrapped?: SchemaShape;
  entries?: Record<string, SchemaShape>;
  item?: SchemaShape;
  literal?: unknown;
  options?: readonly unknown[];
  check?: (value: unknown) => boolean;
}

/**
 * A plain-function twin of `v.is(schema, value)` for the simple schemas the cache's value checks
 * use — objects, arrays, strings, numbers, booleans, nullable, literals, picklists and custom
 * checks — or undefined when the schema has anything else (a pipe of actions, optional keys, a
 * union…), and `v.is` must do. Same answers (test/sources/shared/compiled-check.test.ts compares them):
 * an object is any non-null object and may have other keys, a number is never NaN. A cached run
 * checks every cached record (some 720 coins, each with a 168-point series) before it serves
 * them: valibot's general machinery took 10–14 ms of that, these functions about 5 (bench 8).
 */
export function compileCheck(schema: v.GenericSchema): Check | undefined {
  return compile(schema as unknown as SchemaShape);
}

function compile(schema: SchemaShape): Check | undefined {
  if (schema.pipe !== undefined) return undefined;
  switch (schema.type) {
    case 'string':
      return (value) => typeof value === 'string';
    case 'number':
      return (value) => typeof value === 'number' && !Number.isNaN(value);
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'literal':
      return (value) => value === schema.literal;
    case 'picklist': {
      const options = schema.options ?? [];
      return (value) => options.includes(value);
    }
    case 'custom': {
      const check = schema.check;
      return check ? (value) => check(value) : undefined;
    }
    case 'nullable': {
      const wrapped = schema.wrapped && compile(schema.wrapped);
      return wrapped ? (value) => value === null || wrapped(value) : undefined;
    }
    case 'array': {
      const item = schema.item && compile(schema.item);
      return item ? (value) => Array.isArray(value) && value.every((element) => item(element)) : undefined;
    }
    case 'object':
      return compileObject(schema.entries ?? {});
    default:
      return undefined;
  }
}

function compileObject(entries: Record<string, SchemaShape>): Check | undefined {
  const keys = Object.keys(entries);
  const checks: Check[] = [];
  for (const key of keys) {
    const check = compile(entries[key]!);
    if (!check) return undefined;
    checks.push(check);
  }
  return (value) => {
    if (!value || typeof value !== 'object') return false;
    const record = value as Record<string, unknown>;
    for (let index = 0; index < keys.length; index++) if (!checks[index]!(record[keys[index]!])) return false;
    return true;
  };
}

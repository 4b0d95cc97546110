/**
 * @module server/lazy-schemas
 * Fastify compiles every route's validation schemas (Ajv) and response schemas
 * (fast-json-stringify) while the app starts: about 170 ms of a 0.9 s start in profiles, for
 * routes most processes never call (a worker-heavy process may answer only `/hooks`). These
 * factories wrap Fastify's own compilers, with their options and shared schemas unchanged, and
 * compile a route's schema on its first request instead. `compileAll` compiles whatever is still
 * waiting: the tests call it, so a schema that cannot compile fails there, not on a user's request.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type AnyFn = (...args: never[]) => unknown;
type Validator = ((data: unknown) => unknown) & { errors?: unknown };

/** The compiles not run yet, across every app built in this process (weakly: an app closed is dropped). */
const waiting = new Set<WeakRef<() => unknown>>();

function later<F>(compile: () => F): () => F {
  let fn: F | undefined;
  const get = (): F => {
    if (fn === undefined) { fn = compile(); waiting.delete(ref); }
    return fn;
  };
  const ref = new WeakRef(get);
  waiting.add(ref);
  return get;
}

/** Fastify's `schemaController.compilersFactory`, compiling on first use. */
export function lazyCompilers(): { buildValidator: AnyFn; buildSerializer: AnyFn } {
  const validators = AjvCompiler();
  const serializers = SerializerSelector();
  return {
    buildValidator: ((external: never, options: never) => {
      const compile = validators(external, options) as unknown as (route: unknown) => Validator;
      return (route: unknown): Validator => {
        const get = later(() => compile(route));
        // Fastify reads `errors` off the function it called, as Ajv's validators carry them.
        const v: Validator = (data) => {
          const inner = get();
          const ok = inner(data);
          v.errors = inner.errors;
          return ok;
        };
        return v;
      };
    }) as AnyFn,
    buildSerializer: ((external: never, options: never) => {
      const compile = serializers(external, options) as unknown as (route: unknown) => (doc: unknown) => string;
      return (route: unknown) => {
        const get = later(() => compile(route));
        return (doc: unknown) => get()(doc);
      };
    }) as AnyFn,
  };
}

/** Compiles every schema still waiting; throws the first that cannot compile. */
export function compileAll(): number {
  let n = 0;
  for (const ref of [...waiting]) {
    const get = ref.deref();
    waiting.delete(ref);
    if (get) { get(); n++; }
  }
  return n;
}

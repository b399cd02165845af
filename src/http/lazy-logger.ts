/**
 * A per-request logger that creates pino's child logger (with the request id bound) only when a line is
 * actually written at an enabled level. Fastify makes a child per request; at the production level most
 * requests write nothing below it, and building a child for each one was a measurable share of a read.
 * Every line that is written still carries reqId.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

// Fastify's logger type omits pino's isLevelEnabled. Fastify's no-op logger (logger: false) lacks it: there,
// delegating is free and writes nothing.
export const enabled = (l: FastifyBaseLogger, level: string): boolean => {
  const fn = (l as unknown as { isLevelEnabled?: (x: string) => boolean }).isLevelEnabled;
  return typeof fn === 'function' ? fn.call(l, level) : true;
};

class LazyChild {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #opts: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#opts = opts;
  }

  #real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#opts));
  }

  #log(level: Level, args: unknown[]): void {
    if (enabled(this.#parent, level)) (this.#real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): LevelWithSilent | string {
    return this.#child?.level ?? this.#parent.level;
  }
  set level(v: string) {
    this.#real().level = v;
  }
  isLevelEnabled(level: string): boolean {
    return enabled(this.#child ?? this.#parent, level);
  }
  fatal(...a: unknown[]): void { this.#log('fatal', a); }
  error(...a: unknown[]): void { this.#log('error', a); }
  warn(...a: unknown[]): void { this.#log('warn', a); }
  info(...a: unknown[]): void { this.#log('info', a); }
  debug(...a: unknown[]): void { this.#log('debug', a); }
  trace(...a: unknown[]): void { this.#log('trace', a); }
  silent(): void {}
  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, opts);
  }
}

export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChild(parent, bindings, opts) as unknown as FastifyBaseLogger;
}

/**
 * A consumer's handler run in this process, as Lambda's Node.js runtime would run it: `handler(event, context)`
 * with an async result, or `handler(event, context, callback)`. Node-only (file system, dynamic import); the
 * local server uses it, the dispatcher Lambda does not.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { InvokeError, InvokeResult, Invoker } from './ports.js';

/** A handler module that cannot be used; its message says why, for the startup error. */
export class HandlerLoadError extends Error {
  override readonly name = 'HandlerLoadError';
}

type Handler = (
  event: unknown,
  context: unknown,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

export interface LocalFunctionOptions {
  /** The module's absolute path (`.ts` runs under tsx, as `npm start` does). */
  readonly modulePath: string;
  readonly exportName: string;
  /** For `context.invokedFunctionArn`. */
  readonly region: string;
  readonly accountId: string;
}

/**
 * A handler module, loaded once and loaded again when its file changes (its own file: modules it imports stay
 * cached), so an edited handler takes effect at the next invocation without a restart.
 */
export class LocalFunction {
  readonly functionName: string;
  private handler: Handler | undefined;
  private loadedMtimeMs = 0;

  constructor(private readonly options: LocalFunctionOptions) {
    this.functionName = basename(options.modulePath, extname(options.modulePath)).replace(
      /[^A-Za-z0-9_-]/g,
      '-',
    );
  }

  /** Imports the module and checks the export. @throws HandlerLoadError naming what is missing */
  async load(): Promise<void> {
    const { modulePath, exportName } = this.options;
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(modulePath)).mtimeMs;
    } catch {
      throw new HandlerLoadError(`the handler module ${modulePath} does not exist`);
    }
    if (this.handler && mtimeMs === this.loadedMtimeMs) return;
    let module: Record<string, unknown>;
    try {
      // tsx's tsImport loads TypeScript or JavaScript in a namespace of its own each call, so an edited file is
      // imported afresh (a query string on a plain import is not enough: tsx resolves it to the cached module).
      module = await tsImport(pathToFileURL(modulePath).href, import.meta.url);
    } catch (error) {
      throw new HandlerLoadError(`the handler module ${modulePath} failed to load: ${describe(error)}`);
    }
    const handler =
      module[exportName] ?? (module.default as Record<string, unknown> | undefined)?.[exportName];
    if (typeof handler !== 'function') {
      const exported = Object.keys(module).filter((name) => typeof module[name] === 'function');
      throw new HandlerLoadError(
        `the handler module ${modulePath} has no function export '${exportName}'` +
          (exported.length > 0 ? ` (it exports ${exported.join(', ')})` : ''),
      );
    }
    this.handler = handler as Handler;
    this.loadedMtimeMs = mtimeMs;
  }

  /** The Invoker port over this handler: a reload failure fails the invocation (the batch comes back). */
  readonly invoker: Invoker = async (event, { deadlineMs }) => {
    try {
      await this.load();
    } catch (error) {
      if (!this.handler) return failed(error);
    }
    const handler = this.handler as Handler;
    const context = this.contextFor(deadlineMs);
    return new Promise<InvokeResult>((resolve) => {
      let settled = false;
      const settle = (result: InvokeResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const callback = (error?: unknown, result?: unknown) =>
        settle(error === undefined || error === null ? { kind: 'returned', payload: result } : failed(error));
      Object.assign(context, {
        done: callback,
        succeed: (result?: unknown) => callback(null, result),
        fail: (error: unknown) => callback(error ?? new Error('failed')),
      });
      let returned: unknown;
      try {
        returned = handler(event, context, callback);
      } catch (error) {
        settle(failed(error));
        return;
      }
      if (isThenable(returned)) {
        returned.then(
          (payload) => settle({ kind: 'returned', payload }),
          (error: unknown) => settle(failed(error)),
        );
      } else if (handler.length < 3) {
        // A synchronous handler without a callback: the runtime answers with what it returned.
        settle({ kind: 'returned', payload: returned });
      }
    });
  };

  private contextFor(deadlineMs: number): Record<string, unknown> {
    const { region, accountId } = this.options;
    const name = this.functionName;
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${name}`,
      memoryLimitInMB: '128',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/${process.pid}`,
      getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function failed(error: unknown): InvokeResult {
  return { kind: 'failed', error: toInvokeError(error) };
}

function toInvokeError(error: unknown): InvokeError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { message: typeof error === 'string' ? error : describe(error) };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a hosted function is given, as Lambda's Node.js runtime gives it. */
export interface HostedContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** A function hosted by the stand-in: a bundle's `handler`, or a test's own (any event type: `never` takes them all). */
export type HostedHandler = (event: never, context: HostedContext) => Promise<unknown> | unknown;

export interface HostedFunction {
  readonly handler: HostedHandler;
  /** Lambda stops waiting for it after this and answers `Sandbox.Timedout`. */
  readonly timeoutMs: number;
}

/** One invocation, as the stand-in saw it. */
export interface Invocation {
  readonly functionName: string;
  readonly invocationType: 'RequestResponse' | 'Event';
  readonly event: unknown;
  /** When the invocation reached the stand-in (epoch ms). */
  readonly receivedMs: number;
}

/** A running stand-in for Lambda's Invoke API. */
export interface LambdaInvokeApi {
  /** `http://127.0.0.1:port`: the endpoint a Lambda client is given (`LAMBDA_ENDPOINT`). */
  readonly url: string;
  /** Every invocation, oldest first. */
  readonly invocations: readonly Invocation[];
  /** Resolves when no invocation is running, or rejects after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`, as the AWS SDK calls it)
 * for functions hosted in this process, the way Lambda answers it:
 * - `X-Amz-Invocation-Type: Event`: 202 at once, the function runs afterwards;
 * - `RequestResponse` (the default): 200 with the function's result as JSON (`null` for none); a function
 *   that throws, or runs past its timeout, answers 200 with `X-Amz-Function-Error: Unhandled` and Lambda's
 *   error document `{ errorType, errorMessage, trace }`;
 * - an unknown function: 404 `ResourceNotFoundException`.
 * The function name may be a name or an ARN (qualifiers are ignored).
 */
export async function startLambdaInvokeApi(
  functions: Readonly<Record<string, HostedFunction>>,
): Promise<LambdaInvokeApi> {
  const invocations: Invocation[] = [];
  const running = new Set<Promise<unknown>>();
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(error) }));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
    const functionName = nameOf(decodeURIComponent(match?.[1] ?? ''));
    const hosted = functions[functionName];
    if (req.method !== 'POST' || !match || !hosted) {
      res
        .writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ResourceNotFoundException',
        })
        .end(JSON.stringify({ Type: 'User', Message: `Function not found: ${functionName}` }));
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const event: unknown = body === '' ? {} : JSON.parse(body);
    const invocationType = req.headers['x-amz-invocation-type'] === 'Event' ? 'Event' : 'RequestResponse';
    invocations.push({ functionName, invocationType, event, receivedMs: Date.now() });
    const run = invoke(functionName, hosted, event);
    running.add(run);
    void run.finally(() => running.delete(run));
    if (invocationType === 'Event') {
      res.writeHead(202).end();
      return;
    }
    const outcome = await run;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (outcome.failed) headers['x-amz-function-error'] = 'Unhandled';
    res.writeHead(200, headers).end(JSON.stringify(outcome.payload ?? null));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    idle: async (timeoutMs) => {
      const deadlineMs = Date.now() + timeoutMs;
      while (running.size > 0) {
        if (Date.now() > deadlineMs) throw new Error(`${running.size} invocations still running`);
        await Promise.race([Promise.allSettled([...running]), sleep(100)]);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs the function as Lambda's runtime would: its result, or its error document after a throw or a timeout. */
async function invoke(
  functionName: string,
  hosted: HostedFunction,
  event: unknown,
): Promise<{ failed: boolean; payload: unknown }> {
  const awsRequestId = randomUUID();
  const deadlineMs = Date.now() + hosted.timeoutMs;
  const context: HostedContext = {
    functionName,
    awsRequestId,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), hosted.timeoutMs);
  });
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => hosted.handler(event as never, context)),
      timedOut,
    ]);
    if (result === 'timeout') {
      const seconds = (hosted.timeoutMs / 1000).toFixed(2);
      return {
        failed: true,
        payload: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${awsRequestId} Error: Task timed out after ${seconds} seconds`,
        },
      };
    }
    return { failed: false, payload: result };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    return {
      failed: true,
      payload: { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** `arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]`, or a plain name. */
function nameOf(functionName: string): string {
  const parts = functionName.split(':');
  return parts[0] === 'arn' && parts.length >= 7 ? (parts[6] as string) : (parts[0] as string);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

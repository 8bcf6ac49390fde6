import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeError, Invoker } from '../consumers/ports.js';
import type { DispatchKick } from './consumer-registration.js';

/**
 * How long after an invocation's deadline the Invoke call is abandoned: Lambda itself answers a timed-out
 * function with `FunctionError` at its deadline, so this only guards against a connection that never answers.
 */
const INVOKE_GRACE_MS = 30_000;

/**
 * Invokes a consumer's function as Lambda's SQS poller does: synchronously (`RequestResponse`) with the batch
 * as payload. An answer with `FunctionError` (the handler threw, or its runtime failed or timed out) is a
 * failure; so is an Invoke the API refused (throttled, payload over 6 MB, function gone, access denied): on
 * AWS, too, the batch then comes back after its visibility timeout.
 */
export function lambdaInvoker(client: LambdaClient, functionArn: string): Invoker {
  return async (event, context) => {
    const signal = AbortSignal.timeout(Math.max(0, context.deadlineMs - Date.now()) + INVOKE_GRACE_MS);
    let out: InvokeCommandOutput;
    try {
      out = await client.send(
        new InvokeCommand({
          FunctionName: functionArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      return { kind: 'failed', error: invokeApiError(error) };
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    const payload = parsePayload(text);
    if (out.FunctionError !== undefined) return { kind: 'failed', error: functionError(payload, text) };
    return { kind: 'returned', payload };
  };
}

/** Asks the dispatcher to run a queue's consumers (`Event`: Lambda queues it and answers 202 at once). */
export async function sendKick(
  client: LambdaClient,
  functionName: string,
  kick: DispatchKick,
): Promise<void> {
  await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(kick)),
    }),
  );
}

/** A handler's answer is JSON (`null` for nothing); anything else is kept as text. */
function parsePayload(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Lambda's error document: `{ errorType, errorMessage, trace }`. */
function functionError(payload: unknown, text: string): InvokeError {
  if (typeof payload === 'object' && payload !== null) {
    const { errorType, errorMessage, trace } = payload as Record<string, unknown>;
    return {
      ...(typeof errorType === 'string' ? { name: errorType } : {}),
      message: typeof errorMessage === 'string' ? errorMessage : text,
      ...(Array.isArray(trace) ? { stack: trace.map(String).join('\n') } : {}),
    };
  }
  return { message: text || 'the function failed without an error document' };
}

function invokeApiError(error: unknown): InvokeError {
  if (error instanceof Error) return { name: error.name, message: `Invoke failed: ${error.message}` };
  return { message: `Invoke failed: ${String(error)}` };
}

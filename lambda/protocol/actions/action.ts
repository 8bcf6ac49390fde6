import type { SqsEngine } from '../../engine/types.js';
import type { WireFields } from '../fields.js';
import type { JsonObject } from '../json-fields.js';
import type { QueueUrls } from '../queue-url.js';

/** What an action needs from the request besides its parameters. */
export interface WireContext {
  readonly queueUrls: QueueUrls;
  /** Aborted when the client goes away or the server stops. @default - never aborted */
  readonly signal?: AbortSignal;
  /** The `X-Amzn-Trace-Id` header, which sends store as `AWSTraceHeader`. @default - none was sent */
  readonly traceHeader?: string;
}

/** One SQS action: a decoder shared by both protocols, the engine call, and an encoder per protocol. */
export interface ActionSpec<Input, Result> {
  /** The action's name as SQS spells it: `SendMessage`. */
  readonly name: string;
  decode(fields: WireFields, context: WireContext): Input;
  call(engine: SqsEngine, input: Input, context: WireContext): Promise<Result>;
  /** The JSON result structure; `{}` when the result has no members. */
  toJson(result: Result, context: WireContext): JsonObject;
  /** The inner XML of `<{Action}Result>`. @default - the response has no result element */
  toQuery?(result: Result, context: WireContext): string;
}

/** An action with its types closed over, so every action fits in one registry. */
export interface Action {
  readonly name: string;
  json(fields: WireFields, engine: SqsEngine, context: WireContext): Promise<JsonObject>;
  /** @returns the inner XML of `<{Action}Result>`, or undefined when there is no result element */
  query(fields: WireFields, engine: SqsEngine, context: WireContext): Promise<string | undefined>;
}

/** Wraps an action's spec for the registry. */
export function defineAction<Input, Result>(spec: ActionSpec<Input, Result>): Action {
  const run = (fields: WireFields, engine: SqsEngine, context: WireContext) =>
    spec.call(engine, spec.decode(fields, context), context);
  return {
    name: spec.name,
    json: async (fields, engine, context) => spec.toJson(await run(fields, engine, context), context),
    query: async (fields, engine, context) => {
      const result = await run(fields, engine, context);
      return spec.toQuery?.(result, context);
    },
  };
}

/** The JSON result of actions whose result has no members. */
export function noJsonResult(): JsonObject {
  return {};
}

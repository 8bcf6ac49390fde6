/**
 * A real HTTP proxy between the service and DynamoDB Local that makes DynamoDB fail on purpose: scripted per
 * call (`next`) or at random (`setRate`). Faults are named by what they do to the caller, as
 * /work/shared/STYLE.md ("Faults, as tests") asks. Error answers use DynamoDB's own JSON shape, so the SDK
 * classifies them (throttling, transient, conditional) exactly as it would from AWS.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a fault does to the caller. */
export const FAULT_KINDS = [
  /** 400 ProvisionedThroughputExceededException (the SDK retries it with throttling backoff). */
  'throttle',
  /** 400 ThrottlingException. */
  'throttling',
  /** 500 InternalServerError: the write may or may not have been applied; here it was not. */
  'fail-500',
  /** 503 ServiceUnavailable. */
  'fail-503',
  /** 400 TransactionConflictException; for TransactWriteItems, TransactionCanceledException with TransactionConflict reasons. */
  'transaction-conflict',
  /** The connection is reset without forwarding: nothing applied, the answer never comes. */
  'drop-before',
  /** Forwarded and applied by DynamoDB Local, then the connection is reset: the answer is lost. */
  'drop-after',
  /** Forwarded after a latency of `delayMs`. */
  'delay',
  /** Held for `stallMs` (longer than a client should wait), then dropped or forwarded late (`afterStall`). */
  'stall',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The faults that answer (or drop) at once: a scripted call meets one, then the caller's retry goes through. */
export const INSTANT_FAULTS = [
  'throttle',
  'throttling',
  'fail-500',
  'fail-503',
  'transaction-conflict',
  'drop-before',
  'drop-after',
] as const satisfies readonly FaultKind[];

/** The parsed JSON body of a DynamoDB request (e.g. `{ TableName, Key, ConditionExpression }`). */
// biome-ignore lint/suspicious/noExplicitAny: a DynamoDB request body, read by predicates in tests
export type DynamoRequest = Record<string, any>;

/** One scripted fault: the `nth` call of `op` (whose body matches `when`) gets `fault`. */
export interface ScriptedFault {
  /** DynamoDB operation, as in `X-Amz-Target: DynamoDB_20120810.<op>`, e.g. 'DeleteItem'. */
  readonly op: string;
  /** @default - every call of `op` matches */
  readonly when?: (body: DynamoRequest) => boolean;
  /** Which matching call, counted from when the script is added. @default 1 */
  readonly nth?: number;
  readonly fault: FaultKind;
  /** @default 200 (delay), 5_000 (stall) */
  readonly delayMs?: number;
  /** What a stall does once its time is up. @default 'forward' (late, after the caller may have given up) */
  readonly afterStall?: 'drop' | 'forward';
}

/** A scripted fault once added: `fired` resolves with the request it hit. */
export interface ArmedFault {
  readonly fired: Promise<DynamoRequest>;
  hasFired(): boolean;
}

/** Random faults on a share of calls. */
export interface FaultRate {
  /** Share of calls (0-1) that get a fault. */
  readonly rate: number;
  /** Drawn uniformly for each faulted call. @default - every kind */
  readonly kinds?: readonly FaultKind[];
  /** @default - every operation */
  readonly ops?: readonly string[];
  /** Latency of `delay`, drawn uniformly. @default [50, 300] */
  readonly delayMs?: readonly [number, number];
  /** How long a `stall` holds a call. @default 3_000 */
  readonly stallMs?: number;
}

/** What the proxy has seen, for assertions and reports. */
export interface FaultCounts {
  /** Calls per operation. */
  readonly calls: Record<string, number>;
  /** Injected faults per kind. */
  readonly injected: Record<string, number>;
  /** Injected faults per `op kind`. */
  readonly byOp: Record<string, number>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:port`: give it to the service as its DynamoDB endpoint. */
  readonly endpoint: string;
  /** Adds a scripted fault; scripts are matched in the order added, each fires once. */
  next(fault: ScriptedFault): ArmedFault;
  /** Starts (or, with rate 0, stops) random faults. Scripted faults still come first. */
  setRate(rate: FaultRate): void;
  /** Stops random faults and forgets unfired scripts. */
  clear(): void;
  readonly counts: FaultCounts;
  stop(): Promise<void>;
}

const DYNAMO_TARGET_PREFIX = 'DynamoDB_20120810.';
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';

interface Armed extends ScriptedFault {
  seen: number;
  fire(body: DynamoRequest): void;
  done: boolean;
}

/** Starts the proxy on a free port in front of `target` (a DynamoDB endpoint). */
export async function startFaultProxy(options: { target: string }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const upstream = new Agent({ keepAlive: true, maxSockets: 64 });
  const scripts: Armed[] = [];
  let random: FaultRate = { rate: 0 };
  const counts: FaultCounts = { calls: {}, injected: {}, byOp: {} };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const choose = (op: string, body: DynamoRequest): Omit<ScriptedFault, 'op'> | undefined => {
    for (const script of scripts) {
      if (script.done || script.op !== op || (script.when && !script.when(body))) continue;
      script.seen++;
      if (script.seen < (script.nth ?? 1)) continue;
      script.done = true;
      scripts.splice(scripts.indexOf(script), 1);
      script.fire(body);
      return script;
    }
    if (random.rate <= 0 || (random.ops && !random.ops.includes(op)) || Math.random() >= random.rate) {
      return undefined;
    }
    const kinds = random.kinds ?? FAULT_KINDS;
    const fault = kinds[Math.floor(Math.random() * kinds.length)] as FaultKind;
    const [low, high] = random.delayMs ?? [50, 300];
    const delayMs = fault === 'stall' ? (random.stallMs ?? 3_000) : low + Math.random() * (high - low);
    return { fault, delayMs, afterStall: Math.random() < 0.5 ? 'drop' : 'forward' };
  };

  const forward = (req: IncomingMessage, raw: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const out = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: upstream,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(raw);
    });

  const reply = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const op = String(req.headers['x-amz-target'] ?? '').replace(DYNAMO_TARGET_PREFIX, '');
    counts.calls[op] = (counts.calls[op] ?? 0) + 1;
    let body: DynamoRequest = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      // Not JSON: forwarded as it is.
    }
    const fault = choose(op, body);
    if (fault) {
      counts.injected[fault.fault] = (counts.injected[fault.fault] ?? 0) + 1;
      counts.byOp[`${op} ${fault.fault}`] = (counts.byOp[`${op} ${fault.fault}`] ?? 0) + 1;
    }
    const reset = () => res.socket?.resetAndDestroy();
    switch (fault?.fault) {
      case undefined:
        break;
      case 'throttle':
        return sendError(res, 400, 'ProvisionedThroughputExceededException', THROTTLE_MESSAGE);
      case 'throttling':
        return sendError(res, 400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
      case 'fail-500':
        return sendError(res, 500, 'InternalServerError', 'Internal server error');
      case 'fail-503':
        return sendError(res, 503, 'ServiceUnavailable', 'Service unavailable');
      case 'transaction-conflict':
        return op === 'TransactWriteItems'
          ? sendCancelled(res, (body.TransactItems ?? []).length)
          : sendError(res, 400, 'TransactionConflictException', 'Transaction is ongoing for the item');
      case 'drop-before':
        return reset();
      case 'drop-after':
        await forward(req, raw);
        return reset();
      case 'delay':
        await wait(fault.delayMs ?? 200);
        break;
      case 'stall':
        await wait(fault.delayMs ?? 5_000);
        if ((fault.afterStall ?? 'forward') === 'drop') return reset();
        break;
    }
    const answer = await forward(req, raw);
    if (res.destroyed || res.socket?.destroyed) return;
    const { 'transfer-encoding': _te, connection: _connection, ...headers } = answer.headers;
    res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      reply(req, res, Buffer.concat(chunks)).catch(() => {
        // DynamoDB Local unreachable (or stopping): the caller sees a reset, as from a broken network.
        if (!stopped) res.socket?.resetAndDestroy();
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    next(fault) {
      let fire: (body: DynamoRequest) => void = () => undefined;
      const fired = new Promise<DynamoRequest>((resolve) => {
        fire = resolve;
      });
      const armed: Armed = { ...fault, seen: 0, done: false, fire };
      scripts.push(armed);
      return { fired, hasFired: () => armed.done };
    },
    setRate(rate) {
      random = rate;
    },
    clear() {
      random = { rate: 0 };
      scripts.splice(0);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      upstream.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const THROTTLE_MESSAGE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

/** DynamoDB's JSON error: `__type` names the shape, which the SDK turns into the exception's name. */
function sendError(res: ServerResponse, status: number, shape: string, message: string): void {
  sendJson(res, status, { __type: `${ERROR_NAMESPACE}${shape}`, message });
}

function sendCancelled(res: ServerResponse, items: number): void {
  const reasons = Array.from({ length: Math.max(1, items) }, () => ({
    Code: 'TransactionConflict',
    Message: 'Transaction is ongoing for the item',
  }));
  sendJson(res, 400, {
    __type: `${ERROR_NAMESPACE}TransactionCanceledException`,
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    CancellationReasons: reasons,
  });
}

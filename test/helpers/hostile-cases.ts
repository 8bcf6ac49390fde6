import { XMLValidator } from 'fast-xml-parser';

/**
 * Hostile requests for both wire protocols, sent as raw bytes so that lone surrogate escapes and bytes that are not
 * UTF-8 reach the server as a client could send them. Used by test/integration/hostile-input.test.ts, the seeded
 * fuzz (test/integration/fuzz-hostile.test.ts) and bench/hostile-input.ts.
 */

export type Protocol = 'json' | 'query';
export const PROTOCOLS: readonly Protocol[] = ['json', 'query'];

/** Spliced into a request as the raw bytes FF FE (JSON) or `%FF%FE` (Query): not UTF-8. */
export const INVALID_UTF8 = 'RAWBYTES-FF-FE';

/** Spliced into a JSON request as 100,000 nested arrays (too deep for JSON.stringify to write); Query gets the text. */
export const DEEP_NESTING = 'DEEP-NESTING-SENTINEL';
const NESTING_DEPTH = 100_000;

/** One hostile value and its name, for messages. */
export interface HostileValue {
  readonly label: string;
  readonly value: unknown;
}

/** The strings every client field is tried with. */
export const HOSTILE_STRINGS: readonly HostileValue[] = [
  { label: 'lone low surrogate', value: 'k\uDFFF' },
  { label: 'lone high surrogate', value: '\uD800x' },
  { label: 'invalid UTF-8', value: `a${INVALID_UTF8}b` },
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'control character', value: 'a\u0001\u000Bb' },
  { label: 'U+FFFE', value: '\uFFFE' },
  { label: 'U+FFFF', value: 'x\uFFFF' },
  { label: 'empty', value: '' },
  { label: 'markup', value: '<a>&amp;"\'</a>]]>' },
  { label: '1,025 bytes', value: 'k'.repeat(1_025) },
  { label: '2,049 bytes of 2-byte characters', value: '\u00e9'.repeat(1_025) },
  { label: 'astral characters past a key limit', value: '\u{1F600}'.repeat(600) },
];

/** Huge values: slow to send, so the fuzz uses them now and then. */
export const HUGE_STRINGS: readonly HostileValue[] = [
  { label: '300 KB', value: 'b'.repeat(300_000) },
  { label: '2 MiB', value: 'q'.repeat(2 * 1024 * 1024) },
];

/** Values of the wrong JSON type for a string member. */
export const WRONG_TYPES: readonly HostileValue[] = [
  { label: 'negative number', value: -7 },
  { label: 'huge number', value: 1e308 },
  { label: 'boolean', value: true },
  { label: 'array', value: ['a', 1] },
  { label: 'object', value: { a: { b: 'c' } } },
  { label: 'deep nesting', value: DEEP_NESTING },
];

/** A request for one action, in JSON form: the Query form is derived from it (see {@link toQueryParams}). */
export interface ActionRequest {
  readonly action: string;
  readonly params: Record<string, unknown>;
}

/** Queues the requests name. */
export interface HostileQueues {
  readonly standardUrl: string;
  readonly fifoUrl: string;
  /** A queue that does not exist: DeleteQueue requests name it, so no accident deletes a queue in use. */
  readonly missingUrl: string;
  /** `arn:aws:sqs:region:account:` */
  readonly arnPrefix: string;
}

/**
 * Creates the queues the hostile requests name (a Standard queue, a FIFO queue and `hostile-dlq`, which the
 * move-task requests use) on the server at `url`, and says where they are.
 */
export async function createHostileQueues(
  url: string,
  accountId: string,
  region: string,
): Promise<HostileQueues> {
  for (const params of [
    { QueueName: 'hostile-std' },
    { QueueName: 'hostile-fifo.fifo', Attributes: { FifoQueue: 'true' } },
    { QueueName: 'hostile-dlq' },
  ]) {
    const answer = await sendRaw(url, 'json', { action: 'CreateQueue', params });
    if (answer.status !== 200) throw new Error(`CreateQueue failed: ${answer.status} ${answer.body}`);
  }
  const base = `${url}/${accountId}`;
  return {
    standardUrl: `${base}/hostile-std`,
    fifoUrl: `${base}/hostile-fifo.fifo`,
    missingUrl: `${base}/hostile-missing`,
    arnPrefix: `arn:aws:sqs:${region}:${accountId}:`,
  };
}

/** A valid request for every action: hostile cases replace one of its strings, keys or members. */
export function baseRequests(queues: HostileQueues): ActionRequest[] {
  const { standardUrl: q, fifoUrl: f } = queues;
  const message = {
    MessageBody: 'hello',
    MessageAttributes: { color: { DataType: 'String', StringValue: 'red' } },
    MessageSystemAttributes: {
      AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
    },
  };
  return [
    {
      action: 'CreateQueue',
      params: {
        QueueName: 'hostile-created',
        Attributes: { VisibilityTimeout: '30', Policy: '{}' },
        tags: { team: 'a' },
      },
    },
    {
      action: 'GetQueueUrl',
      params: { QueueName: 'hostile-created', QueueOwnerAWSAccountId: '000000000000' },
    },
    {
      action: 'ListQueues',
      params: { QueueNamePrefix: 'hostile', MaxResults: 5, NextToken: 'eyJhZnRlciI6ImEifQ' },
    },
    { action: 'DeleteQueue', params: { QueueUrl: queues.missingUrl } },
    { action: 'GetQueueAttributes', params: { QueueUrl: q, AttributeNames: ['All', 'VisibilityTimeout'] } },
    {
      action: 'SetQueueAttributes',
      params: {
        QueueUrl: q,
        Attributes: {
          KmsMasterKeyId: 'alias/aws/sqs',
          RedriveAllowPolicy: '{"redrivePermission":"allowAll"}',
        },
      },
    },
    { action: 'TagQueue', params: { QueueUrl: q, Tags: { owner: 'me' } } },
    { action: 'UntagQueue', params: { QueueUrl: q, TagKeys: ['owner'] } },
    { action: 'ListQueueTags', params: { QueueUrl: q } },
    { action: 'SendMessage', params: { QueueUrl: q, ...message, DelaySeconds: 0 } },
    {
      action: 'SendMessage',
      params: { QueueUrl: f, ...message, MessageGroupId: 'g1', MessageDeduplicationId: 'd1' },
    },
    { action: 'SendMessageBatch', params: { QueueUrl: q, Entries: [{ Id: 'e1', ...message }] } },
    {
      action: 'SendMessageBatch',
      params: {
        QueueUrl: f,
        Entries: [{ Id: 'e1', ...message, MessageGroupId: 'g2', MessageDeduplicationId: 'd2' }],
      },
    },
    {
      action: 'ReceiveMessage',
      params: {
        QueueUrl: q,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All', 'color.*'],
        MessageSystemAttributeNames: ['All'],
        AttributeNames: ['All'],
      },
    },
    {
      action: 'ReceiveMessage',
      params: {
        QueueUrl: f,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        ReceiveRequestAttemptId: 'attempt-1',
      },
    },
    { action: 'DeleteMessage', params: { QueueUrl: q, ReceiptHandle: 'garbage' } },
    {
      action: 'ChangeMessageVisibility',
      params: { QueueUrl: q, ReceiptHandle: 'garbage', VisibilityTimeout: 5 },
    },
    {
      action: 'DeleteMessageBatch',
      params: { QueueUrl: f, Entries: [{ Id: 'd1', ReceiptHandle: 'garbage' }] },
    },
    {
      action: 'ChangeMessageVisibilityBatch',
      params: { QueueUrl: q, Entries: [{ Id: 'c1', ReceiptHandle: 'garbage', VisibilityTimeout: 5 }] },
    },
    { action: 'PurgeQueue', params: { QueueUrl: queues.missingUrl } },
    {
      action: 'ListDeadLetterSourceQueues',
      params: { QueueUrl: q, MaxResults: 5, NextToken: 'eyJhZnRlciI6ImEifQ' },
    },
    {
      action: 'StartMessageMoveTask',
      params: {
        SourceArn: `${queues.arnPrefix}hostile-dlq`,
        DestinationArn: `${queues.arnPrefix}hostile-std`,
        MaxNumberOfMessagesPerSecond: 1,
      },
    },
    {
      action: 'ListMessageMoveTasks',
      params: { SourceArn: `${queues.arnPrefix}hostile-dlq`, MaxResults: 1 },
    },
    { action: 'CancelMessageMoveTask', params: { TaskHandle: 'eyJ0YXNrSWQiOiJ4Iiwic291cmNlQXJuIjoieSJ9' } },
  ];
}

/** One place in a request a hostile value can go: a string leaf, or a map key. */
export interface Slot {
  readonly path: readonly (string | number)[];
  readonly kind: 'value' | 'key';
}

/** Every string leaf and every map key of a request, so each can be replaced. */
export function slotsOf(params: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const walk = (value: unknown, path: (string | number)[], isMap: boolean) => {
    if (typeof value === 'string' || typeof value === 'number') slots.push({ path, kind: 'value' });
    else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, [...path, i], false);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (isMap) slots.push({ path: [...path, key], kind: 'key' });
        walk(item, [...path, key], MAP_MEMBERS.has(key));
      }
    }
  };
  walk(params, [], false);
  return slots;
}

const MAP_MEMBERS = new Set(['Attributes', 'Tags', 'tags', 'MessageAttributes', 'MessageSystemAttributes']);

/** The request with the value at `slot` replaced (or the key renamed). */
export function withValue(
  params: Record<string, unknown>,
  slot: Slot,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(params);
  type Node = Record<string | number, unknown>;
  const parent = slot.path.slice(0, -1).reduce<Node>((node, key) => node[key] as Node, copy);
  const last = slot.path[slot.path.length - 1] as string | number;
  if (slot.kind === 'key') {
    const item = parent[last];
    delete parent[last];
    parent[String(value)] = item;
  } else {
    parent[last] = value;
  }
  return copy;
}

const QUERY_LISTS: Record<string, string> = {
  AttributeNames: 'AttributeName',
  MessageAttributeNames: 'MessageAttributeName',
  MessageSystemAttributeNames: 'MessageSystemAttributeName',
  TagKeys: 'TagKey',
};
const QUERY_MAPS: Record<string, [string, string, string]> = {
  Attributes: ['Attribute', 'Name', 'Value'],
  Tags: ['Tag', 'Key', 'Value'],
  tags: ['Tag', 'Key', 'Value'],
  MessageAttributes: ['MessageAttribute', 'Name', 'Value'],
  MessageSystemAttributes: ['MessageSystemAttribute', 'Name', 'Value'],
};

/** The Query parameters for a JSON-shaped request, flattened as SQS's Query protocol names them. */
export function toQueryParams(action: string, params: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const flatten = (value: unknown, prefix: string, member: string) => {
    const name = `${prefix}${member}`;
    if (member === 'Entries' && Array.isArray(value)) {
      for (const [i, entry] of value.entries())
        flattenObject(entry, `${prefix}${action}RequestEntry.${i + 1}.`);
    } else if (QUERY_LISTS[member] !== undefined && Array.isArray(value)) {
      for (const [i, item] of value.entries())
        out.push([`${prefix}${QUERY_LISTS[member]}.${i + 1}`, scalar(item)]);
    } else if (
      QUERY_MAPS[member] !== undefined &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
    ) {
      const [entry, key, val] = QUERY_MAPS[member];
      Object.entries(value).forEach(([k, v], i) => {
        const at = `${prefix}${entry}.${i + 1}.`;
        out.push([`${at}${key}`, k]);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) flattenObject(v, `${at}${val}.`);
        else out.push([`${at}${val}`, scalar(v)]);
      });
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      flattenObject(value, `${name}.`);
    } else {
      out.push([name, scalar(value)]);
    }
  };
  const flattenObject = (object: unknown, prefix: string) => {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      out.push([prefix.slice(0, -1), scalar(object)]);
      return;
    }
    for (const [member, value] of Object.entries(object)) flatten(value, prefix, member);
  };
  flattenObject(params, '');
  return out;
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length > 100 ? '[deep]' : JSON.stringify(value);
  return String(value);
}

/** The raw bytes of a request: JSON text (lone surrogates as `\uDFFF` escapes) or a form body. */
export function encodeRequest(
  protocol: Protocol,
  request: ActionRequest,
): { headers: Record<string, string>; body: Buffer } {
  if (protocol === 'json') {
    const text = JSON.stringify(request.params).replaceAll(
      `"${DEEP_NESTING}"`,
      `${'['.repeat(NESTING_DEPTH)}${']'.repeat(NESTING_DEPTH)}`,
    );
    return {
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AmazonSQS.${request.action}`,
      },
      body: spliceInvalidUtf8(text),
    };
  }
  const form = [
    ['Action', request.action],
    ['Version', '2012-11-05'],
    ...toQueryParams(request.action, request.params),
  ]
    .map(([name, value]) => `${percentEncode(name as string)}=${percentEncode(value as string)}`)
    .join('&');
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(form.replaceAll(INVALID_UTF8, '%FF%FE'), 'latin1'),
  };
}

/** encodeURIComponent, except that a lone surrogate becomes the bytes of its UTF-8-style (invalid) encoding. */
function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

function spliceInvalidUtf8(text: string): Buffer {
  const parts = text.split(INVALID_UTF8);
  const buffers: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) buffers.push(Buffer.from([0xff, 0xfe]));
    buffers.push(Buffer.from(part, 'utf8'));
  });
  return Buffer.concat(buffers);
}

/** What a raw call came back with. */
export interface RawAnswer {
  readonly status: number;
  /** The error code, JSON `__type` suffix or Query `<Code>`; undefined on success. */
  readonly code?: string;
  readonly body: string;
  /** Whether the body parses (JSON) or is well-formed XML (Query). */
  readonly wellFormed: boolean;
  /** No answer within the timeout. */
  readonly hung: boolean;
}

/** Sends a request as raw bytes and reads the answer. */
export async function sendRaw(
  endpoint: string,
  protocol: Protocol,
  request: ActionRequest,
  timeoutMs = 30_000,
  extraHeaders: Record<string, string> = {},
): Promise<RawAnswer> {
  const { headers, body } = encodeRequest(protocol, request);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { ...headers, ...extraHeaders },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError')
      return { status: 0, body: '', wellFormed: false, hung: true };
    throw error;
  }
  const text = await response.text();
  const queryError = response.headers.get('x-amzn-query-error') ?? undefined;
  return { status: response.status, body: text, hung: false, ...readAnswer(protocol, text, queryError) };
}

/** The error code in Query's spelling (`<Code>`, or JSON's `x-amzn-query-error`), with legacy prefixes undone. */
function readAnswer(
  protocol: Protocol,
  text: string,
  queryError: string | undefined,
): { code?: string; wellFormed: boolean } {
  let legacy: string | undefined;
  let wellFormed: boolean;
  if (protocol === 'json') {
    legacy = queryError?.split(';')[0];
    try {
      JSON.parse(text);
      wellFormed = true;
    } catch {
      wellFormed = false;
    }
  } else {
    legacy = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    wellFormed = XMLValidator.validate(text) === true;
  }
  const code =
    legacy === undefined
      ? undefined
      : (LEGACY_CODES[legacy] ?? legacy.replace('AWS.SimpleQueueService.', ''));
  return { ...(code === undefined ? {} : { code }), wellFormed };
}

/** Query's legacy codes that differ from the JSON shape names, so tests compare one spelling. */
const LEGACY_CODES: Record<string, string> = {
  'AWS.SimpleQueueService.NonExistentQueue': 'QueueDoesNotExist',
  QueueAlreadyExists: 'QueueNameExists',
  MalformedInput: 'SerializationException',
  'KMS.NotFoundException': 'KmsNotFound',
};

/** A small seeded generator (mulberry32), so a run can be repeated from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One random hostile request: a base request with one slot replaced, or a member added, or two slots broken. */
export function randomHostileCase(
  random: () => number,
  queues: HostileQueues,
): { protocol: Protocol; request: ActionRequest; label: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const protocol = pick(PROTOCOLS);
  const base = pick(baseRequests(queues));
  const pool =
    random() < 0.03 ? HUGE_STRINGS : protocol === 'json' && random() < 0.25 ? WRONG_TYPES : HOSTILE_STRINGS;
  let params = base.params;
  let label = `${protocol} ${base.action}`;
  const breaks = random() < 0.2 ? 2 : 1;
  for (let i = 0; i < breaks; i++) {
    const hostile = pick(pool);
    const slots = slotsOf(params);
    if (random() < 0.1 || slots.length === 0) {
      params = {
        ...params,
        [pick(['QueueUrl', 'MessageBody', 'Entries', 'Attributes', 'Unknown'])]: hostile.value,
      };
      label += ` member=${hostile.label}`;
    } else {
      const slot = pick(slots);
      params = withValue(params, slot, hostile.value);
      label += ` ${slot.path.join('.')}${slot.kind === 'key' ? '(key)' : ''}=${hostile.label}`;
    }
  }
  return { protocol, request: { action: base.action, params }, label };
}

/**
 * Runs the whole API on a queue with valid requests over one protocol and returns the problems found: send, receive,
 * change visibility, delete, tags, attributes, list, and (when `purge`) purge.
 */
export async function checkQueueWorks(
  endpoint: string,
  protocol: Protocol,
  queueUrl: string,
  options: { fifo: boolean; purge: boolean },
): Promise<string[]> {
  const problems: string[] = [];
  const call = async (action: string, params: Record<string, unknown>) => {
    const answer = await sendRaw(endpoint, protocol, { action, params }, 30_000);
    if (answer.status !== 200)
      problems.push(
        `${protocol} ${action} on ${queueUrl}: ${answer.status} ${answer.code} ${answer.body.slice(0, 200)}`,
      );
    return answer;
  };
  const fifo = options.fifo
    ? { MessageGroupId: 'check', MessageDeduplicationId: `d${Date.now()}${Math.random()}` }
    : {};
  await call('GetQueueAttributes', { QueueUrl: queueUrl, AttributeNames: ['All'] });
  await call('SendMessage', {
    QueueUrl: queueUrl,
    MessageBody: 'still works',
    MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } },
    ...fifo,
  });
  const received = await call('ReceiveMessage', {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 10,
    MessageAttributeNames: ['All'],
    AttributeNames: ['All'],
  });
  for (const handle of receiptHandlesIn(protocol, received.body)) {
    await call('ChangeMessageVisibility', {
      QueueUrl: queueUrl,
      ReceiptHandle: handle,
      VisibilityTimeout: 10,
    });
    await call('DeleteMessage', { QueueUrl: queueUrl, ReceiptHandle: handle });
  }
  await call('TagQueue', { QueueUrl: queueUrl, Tags: { checked: 'yes' } });
  await call('ListQueueTags', { QueueUrl: queueUrl });
  await call('SetQueueAttributes', { QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '30' } });
  await call('ListQueues', {});
  if (options.purge) await call('PurgeQueue', { QueueUrl: queueUrl });
  return problems;
}

/** The receipt handles in a ReceiveMessage answer of either protocol. */
export function receiptHandlesIn(protocol: Protocol, body: string): string[] {
  if (protocol === 'json') {
    const parsed = JSON.parse(body) as { Messages?: { ReceiptHandle: string }[] };
    return (parsed.Messages ?? []).map((m) => m.ReceiptHandle);
  }
  return [...body.matchAll(/<ReceiptHandle>([^<]*)<\/ReceiptHandle>/g)].map((m) => m[1] as string);
}

/** The bodies in a ReceiveMessage answer of either protocol. */
export function bodiesIn(protocol: Protocol, body: string): string[] {
  if (protocol === 'json') {
    const parsed = JSON.parse(body) as { Messages?: { Body: string }[] };
    return (parsed.Messages ?? []).map((m) => m.Body);
  }
  return [...body.matchAll(/<Body>([^<]*)<\/Body>/g)].map((m) => m[1] as string);
}

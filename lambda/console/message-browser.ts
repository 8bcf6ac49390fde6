import type { Clock } from '../engine/clock.js';
import { guardStore } from '../engine/guarded-store.js';
import { retentionMs } from '../engine/move-tasks.js';
import { QueueDirectory } from '../engine/queue-directory.js';
import type {
  DeleteByIdOutcome,
  MessageGroupSummary,
  MessageLocator,
  PeekedMessage,
  PeekPosition,
  QueueRecord,
  Store,
} from '../storage/store.js';

/** Messages read per store call while a `contains` filter looks for matches. */
const SCAN_PAGE = 200;

export interface PeekOptions {
  readonly order: 'oldest' | 'newest';
  readonly limit: number;
  /** @default - from the first message */
  readonly after?: PeekPosition;
  /** FIFO only. @default - every group */
  readonly groupId?: string;
  /** Only messages whose body contains this text. @default - every message */
  readonly contains?: string;
  /** With `contains`: stop after reading this many messages. @default - `limit` */
  readonly maxScanned?: number;
}

export interface PeekResult {
  readonly queue: QueueRecord;
  readonly messages: readonly PeekedMessage[];
  /** Messages read, matching or not. */
  readonly scanned: number;
  /** @default - the last page */
  readonly next?: PeekPosition;
}

/**
 * The console's view of messages: peeks (reads that change nothing), whole messages, FIFO groups, and the one
 * write a console adds, delete by id. Engine-level: the store port only, every argument guarded as the engine's.
 */
export class MessageBrowser {
  private readonly store: Store;
  private readonly directory: QueueDirectory;
  private readonly clock: Clock;

  constructor(options: { readonly store: Store; readonly clock: Clock }) {
    this.store = guardStore(options.store);
    this.directory = new QueueDirectory(this.store, options.clock);
    this.clock = options.clock;
  }

  /** The queue's record; QueueDoesNotExist when there is none. */
  queue(name: string): Promise<QueueRecord> {
    return this.directory.get(name);
  }

  /** A queue changed through the console (purged, deleted) is read fresh by its next request. */
  forget(queueName: string): void {
    this.directory.forget(queueName);
  }

  /** A page of messages in the order asked, filtered by body text when asked; nothing is written. */
  async peek(queueName: string, options: PeekOptions): Promise<PeekResult> {
    const queue = await this.directory.get(queueName);
    const nowMs = this.clock.nowMs();
    const base = {
      queue,
      nowMs,
      retentionMs: retentionMs(queue),
      order: options.order,
      ...(options.groupId !== undefined ? { groupId: options.groupId } : {}),
    };
    const contains = options.contains;
    if (contains === undefined) {
      const page = await this.store.peekMessages({
        ...base,
        limit: options.limit,
        ...(options.after ? { after: options.after } : {}),
      });
      return {
        queue,
        messages: page.messages,
        scanned: page.messages.length,
        ...(page.next ? { next: page.next } : {}),
      };
    }
    const maxScanned = options.maxScanned ?? options.limit;
    const matches: PeekedMessage[] = [];
    let scanned = 0;
    let after = options.after;
    for (;;) {
      const page = await this.store.peekMessages({
        ...base,
        limit: Math.min(SCAN_PAGE, maxScanned - scanned),
        ...(after ? { after } : {}),
      });
      scanned += page.messages.length;
      after = page.next;
      for (const message of page.messages) {
        if (!message.content.body.includes(contains)) continue;
        matches.push(message);
        if (matches.length >= options.limit) {
          // The next page starts after the last match returned, not after the last message read.
          return { queue, messages: matches, scanned, next: positionOf(message) };
        }
      }
      if (after === undefined) return { queue, messages: matches, scanned };
      if (scanned >= maxScanned) return { queue, messages: matches, scanned, next: after };
    }
  }

  /** The located message, whole; undefined when it is gone. */
  async read(queueName: string, locator: MessageLocator): Promise<PeekedMessage | undefined> {
    const queue = await this.directory.get(queueName);
    return this.store.readMessage(queue, locator, this.clock.nowMs());
  }

  /** Deletes the located message without a receipt. */
  async delete(queueName: string, locator: MessageLocator): Promise<DeleteByIdOutcome> {
    const queue = await this.directory.get(queueName);
    return this.store.deleteMessageById(queue, locator, this.clock.nowMs());
  }

  /** FIFO queues' groups that hold messages, in group id order. */
  async groups(
    queueName: string,
    options: { limit: number; afterGroupId?: string },
  ): Promise<{ queue: QueueRecord; groups: MessageGroupSummary[]; lastGroupId?: string }> {
    const queue = await this.directory.get(queueName);
    const page = await this.store.listMessageGroups(queue, this.clock.nowMs(), options);
    return { queue, ...page };
  }
}

/** Where a peek that ended at this message would go on from. */
function positionOf(message: PeekedMessage): PeekPosition {
  const locator = message.locator;
  return locator.kind === 'timeline'
    ? { kind: 'timeline', visibleAtMs: locator.visibleAtMs, messageId: locator.messageId }
    : { kind: 'group', sequenceNumber: locator.sequenceNumber, groupId: locator.groupId };
}

import { randomInt } from 'node:crypto';
import type { NewMessage, QueueRecord } from '../store.js';
import type { Db } from './db.js';
import { timelinePartition, timelineSortKey } from './schema.js';

/**
 * Fair queues in the timeline (docs/design.md, "Fair queues"). A queue's partitions form two lanes: shards
 * 0..S-1 the normal lane, S..2S-1 the noisy lane, where the engine sends the messages of noisy tenants.
 * Receipts name the shard, so deletes and visibility changes need nothing else, and a claim moves a state item
 * within its own partition, so a message stays in its lane.
 */
export type Lane = NonNullable<NewMessage['lane']>;

/** The partitions of one lane. */
export function laneShards(queue: QueueRecord, lane: Lane): number[] {
  const first = lane === 'normal' ? 0 : queue.shards;
  return Array.from({ length: queue.shards }, (_, i) => first + i);
}

/** A random partition of the lane, for a new message. */
export function randomLaneShard(queue: QueueRecord, lane: Lane): number {
  return (lane === 'normal' ? 0 : queue.shards) + randomInt(queue.shards);
}

/**
 * Says that a queue epoch's noisy lane is in use. There is one in each normal-lane partition, so every receive
 * that reads the normal lane meets it; a queue that never had a noisy tenant has none and its receives never read
 * the noisy lane. Its sort key is a state key at time 0: it sorts before every message and is always due, so it
 * comes back on the first page of a receive's Query. Markers live in the epoch's partitions, so a purge drops
 * them with the messages.
 */
export interface LaneMarker {
  pk: string;
  sk: string;
  /** The latest noisy send it was written for: the noisy lane may hold messages sent up to a minute later. */
  ms: number;
  ttl: number;
}

const LANE_MARKER_SORT_KEY = timelineSortKey(0, 'noisy-lane');

export function isLaneMarker(item: { sk: string }): item is LaneMarker {
  return item.sk === LANE_MARKER_SORT_KEY;
}

/** A sender writes the markers again once the latest ones it knows of are this old; receivers allow for it. */
const MARK_INTERVAL_MS = 60_000;
/** Allowance for the clocks of different instances and for slow writes. */
const CLOCK_MARGIN_MS = 60_000;
/** One receive in this many starts with the noisy lane, so a noisy tenant is delayed, never starved. */
const NOISY_FIRST_ONE_IN = 10;
/**
 * After a receive found the normal lane empty, receives in this process start with the noisy lane for this long,
 * so a noisy backlog draining alone does not cost a Query of every normal partition per receive. A quiet
 * message sent through this process ends it at once; one sent through another instance waits at most this long.
 */
const NORMAL_EMPTY_HINT_MS = 500;
/** Queue epochs remembered per process; past this the memos start over and are learned again from markers. */
const MAX_REMEMBERED_QUEUES = 10_000;

/** What this process knows of its queues' noisy lanes: the newest marker seen, and whether the normal lane was empty. */
export class NoisyLanes {
  private readonly latestNoisySendMs = new Map<string, number>();
  private readonly normalEmptyUntilMs = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /**
   * Called before noisy messages are written, so none is ever in a lane receivers do not know to read. Writes a
   * marker into every normal-lane partition unless this process knows of one less than a minute older than
   * `sentMs`. Markers only move forward: a slower writer's older time does not replace a newer one. `ttl` is the
   * TTL of the messages marked: a marker is garbage once they are.
   */
  async mark(queue: QueueRecord, sentMs: number, ttl: number): Promise<void> {
    const known = this.latestNoisySendMs.get(laneKey(queue));
    if (known !== undefined && sentMs - known < MARK_INTERVAL_MS) return;
    await Promise.all(
      laneShards(queue, 'normal').map((shard) => {
        const marker: LaneMarker = {
          pk: timelinePartition(queue.id, queue.epoch, shard),
          sk: LANE_MARKER_SORT_KEY,
          ms: sentMs,
          ttl,
        };
        return this.db.put({
          Item: { ...marker },
          ConditionExpression: 'attribute_not_exists(pk) OR ms < :ms',
          ExpressionAttributeValues: { ':ms': sentMs },
        });
      }),
    );
    this.learn(queue, sentMs);
  }

  /** Records a marker read from the normal lane. */
  learn(queue: QueueRecord, markerMs: number): void {
    const key = laneKey(queue);
    if (markerMs > (this.latestNoisySendMs.get(key) ?? Number.NEGATIVE_INFINITY)) {
      remember(this.latestNoisySendMs, key, markerMs);
    }
  }

  /**
   * Whether the noisy lane may still hold a message, from the newest marker seen here: messages sent up to a
   * minute after the marker's time (plus clock allowance) have expired once the retention period has passed.
   */
  mayHoldMessages(queue: QueueRecord, retentionMs: number, nowMs: number): boolean {
    const sentMs = this.latestNoisySendMs.get(laneKey(queue));
    return sentMs !== undefined && nowMs <= sentMs + MARK_INTERVAL_MS + CLOCK_MARGIN_MS + retentionMs;
  }

  /** Whether a receive reads the noisy lane before the normal one. */
  startsWithNoisy(queue: QueueRecord, retentionMs: number, nowMs: number): boolean {
    if (!this.mayHoldMessages(queue, retentionMs, nowMs)) return false;
    const normalEmpty = (this.normalEmptyUntilMs.get(laneKey(queue)) ?? 0) > nowMs;
    return normalEmpty || randomInt(NOISY_FIRST_ONE_IN) === 0;
  }

  /** A receive read the whole normal lane and found no message due in it. */
  normalLaneEmpty(queue: QueueRecord, nowMs: number): void {
    remember(this.normalEmptyUntilMs, laneKey(queue), nowMs + NORMAL_EMPTY_HINT_MS);
  }

  /** A receive found messages in the normal lane, or this process just sent one there. */
  normalLaneBusy(queue: QueueRecord): void {
    this.normalEmptyUntilMs.delete(laneKey(queue));
  }
}

/** Lanes are per queue and epoch: a purged queue starts with an empty noisy lane and no markers. */
function laneKey(queue: QueueRecord): string {
  return `${queue.id}#${queue.epoch}`;
}

function remember(memo: Map<string, number>, key: string, value: number): void {
  if (memo.size >= MAX_REMEMBERED_QUEUES && !memo.has(key)) memo.clear();
  memo.set(key, value);
}

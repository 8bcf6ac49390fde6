import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { QueueDetail } from '../api-types';
import { usePoll } from '../use-poll';
import { ErrorBox } from './error-box';
import { MessageCard } from './message-card';
import './messages.css';

const POLL_MS = 5000;

/**
 * The queue's messages, peeked: a read of the stored messages that receives nothing, so receive counts,
 * visibility and dead-letter counting stay as they are. Oldest or newest first, paged, searched by body text,
 * and for FIFO queues one message group at a time.
 */
export function Messages(props: { queue: QueueDetail; canWrite: boolean; version: number }): JSX.Element {
  const { queue } = props;
  const [order, setOrder] = useState<'oldest' | 'newest'>('oldest');
  const [limit, setLimit] = useState(20);
  const [searchInput, setSearchInput] = useState('');
  const [contains, setContains] = useState('');
  const [group, setGroup] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);

  useEffect(() => {
    const timer = setTimeout(() => {
      setContains(searchInput);
      setCursors([]);
    }, 300);
    return () => clearTimeout(timer);
  }, [searchInput]);

  const page = usePoll(
    () =>
      api.peek(queue.name, {
        order,
        limit,
        ...(cursor === undefined ? {} : { cursor }),
        ...(contains === '' ? {} : { contains }),
        ...(group === '' ? {} : { group }),
      }),
    JSON.stringify([queue.name, order, limit, cursor, contains, group]),
    POLL_MS,
  );
  // After a send, purge or redrive from this page: read again now, keeping what is shown until the answer.
  const { refresh } = page;
  useEffect(() => {
    if (props.version > 0) refresh();
  }, [props.version, refresh]);
  const sourceLimits = useSourceLimits(queue.deadLetterSources);
  const reset = () => setCursors([]);

  return (
    <section class="panel messages" aria-labelledby="messages-title">
      <h2 id="messages-title">Messages</h2>
      <p class="muted peek-note">
        Looking here receives nothing: receive counts, visibility and dead-letter counting do not change.
        Refreshed every {POLL_MS / 1000} s.
      </p>
      <div class="row message-controls">
        <div>
          <label for="message-search">Search bodies</label>
          <input
            id="message-search"
            type="search"
            placeholder="text in the body"
            value={searchInput}
            maxLength={1024}
            onInput={(e) => setSearchInput(e.currentTarget.value)}
          />
        </div>
        <div>
          <label for="message-order">Order</label>
          <select
            id="message-order"
            value={order}
            onChange={(e) => {
              setOrder(e.currentTarget.value === 'newest' ? 'newest' : 'oldest');
              reset();
            }}
          >
            <option value="oldest">Oldest first</option>
            <option value="newest">Newest first</option>
          </select>
        </div>
        {queue.type === 'fifo' && (
          <GroupSelect
            queueName={queue.name}
            value={group}
            onChange={(value) => {
              setGroup(value);
              reset();
            }}
          />
        )}
        <div>
          <label for="message-limit">Per page</label>
          <select
            id="message-limit"
            value={String(limit)}
            onChange={(e) => {
              setLimit(Number(e.currentTarget.value));
              reset();
            }}
          >
            {[10, 20, 50, 100].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBox error={page.error} />
      {page.data === undefined && page.error === undefined && <p class="muted">Loading…</p>}
      {page.data !== undefined && page.data.messages.length === 0 && (
        <p class="muted">
          {contains === ''
            ? cursor === undefined
              ? 'The queue holds no messages.'
              : 'No more messages.'
            : page.data.nextCursor === undefined
              ? 'No message body contains that text.'
              : `No match among the ${page.data.scanned} messages read so far.`}
        </p>
      )}
      <ol class="message-list" aria-label="Messages">
        {page.data?.messages.map((message) => (
          <MessageCard
            key={message.messageId}
            queue={queue}
            message={message}
            canWrite={props.canWrite}
            sourceLimits={sourceLimits}
            onDeleted={() => page.refresh()}
          />
        ))}
      </ol>
      <div class="row pager">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {cursors.length > 1 && (
          <button type="button" onClick={reset}>
            First page
          </button>
        )}
        {page.data?.nextCursor !== undefined && (
          <button type="button" onClick={() => setCursors([...cursors, page.data?.nextCursor ?? ''])}>
            {contains !== '' && page.data.messages.length === 0 ? 'Keep searching' : 'Next page'}
          </button>
        )}
      </div>
    </section>
  );
}

function GroupSelect(props: {
  queueName: string;
  value: string;
  onChange(value: string): void;
}): JSX.Element {
  const groups = usePoll(() => api.groups(props.queueName), props.queueName, POLL_MS * 2);
  return (
    <div>
      <label for="message-group">Message group</label>
      <select id="message-group" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">All groups</option>
        {groups.data?.groups.map((group) => (
          <option key={group.groupId} value={group.groupId}>
            {group.groupId} ({group.messages}
            {group.inFlight > 0 ? `, ${group.inFlight} in flight` : ''})
          </option>
        ))}
        {props.value !== '' && groups.data?.groups.every((g) => g.groupId !== props.value) && (
          <option value={props.value}>{props.value}</option>
        )}
      </select>
    </div>
  );
}

/** maxReceiveCount of each queue this one is the dead-letter queue of, to say why a message came here. */
function useSourceLimits(sources: readonly string[]): ReadonlyMap<string, number> {
  const key = sources.join('\n');
  const limits = usePoll(
    async () => {
      const entries = await Promise.all(
        sources.map(async (source) => {
          try {
            const detail = await api.queue(source);
            return [source, detail.deadLetter?.maxReceiveCount] as const;
          } catch {
            return [source, undefined] as const;
          }
        }),
      );
      const map = new Map<string, number>();
      for (const [source, limit] of entries) if (limit !== undefined) map.set(source, limit);
      return map;
    },
    key,
    60_000,
  );
  return limits.data ?? new Map();
}

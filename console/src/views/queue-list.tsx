import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { QueueSummary, Session } from '../api-types';
import { formatCount, formatDuration } from '../format';
import { Link } from '../router';
import { usePoll } from '../use-poll';
import { ErrorBox } from './error-box';
import { MoveProgress } from './move-progress';
import './queue-list.css';

/** Queues a page: a hundred draw at once on a slow laptop; a thousand (the API's most) on request. */
const PAGE_SIZES = [100, 250, 1000] as const;
const POLL_MS = 5000;

/** Every queue with its depth, age, dead-letter relations and redrive; filter by name, sort by backlog. */
export function QueueList(props: { session: Session }): JSX.Element {
  const [filterInput, setFilterInput] = useState(
    () => new URLSearchParams(location.search).get('filter') ?? '',
  );
  const [filter, setFilter] = useState(filterInput);
  const [sort, setSort] = useState<'name' | 'backlog'>(() =>
    new URLSearchParams(location.search).get('sort') === 'backlog' ? 'backlog' : 'name',
  );
  const [pageSize, setPageSize] = useState<number>(() => {
    const asked = Number(new URLSearchParams(location.search).get('limit'));
    return PAGE_SIZES.find((size) => size === asked) ?? PAGE_SIZES[0];
  });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);

  useEffect(() => {
    document.title = 'Queues';
  }, []);
  // Typing filters after a short pause, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setFilter(filterInput.trim());
      setCursors([]);
    }, 250);
    return () => clearTimeout(timer);
  }, [filterInput]);
  useEffect(() => {
    const search = new URLSearchParams();
    if (filter !== '') search.set('filter', filter);
    if (sort !== 'name') search.set('sort', sort);
    if (pageSize !== PAGE_SIZES[0]) search.set('limit', String(pageSize));
    const query = search.toString();
    history.replaceState(null, '', query === '' ? location.pathname : `${location.pathname}?${query}`);
  }, [filter, sort, pageSize]);

  const list = usePoll(
    () => api.listQueues({ filter, sort, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) }),
    JSON.stringify([filter, sort, pageSize, cursor]),
    POLL_MS,
  );

  return (
    <>
      <div class="list-head">
        <h1>Queues</h1>
        {props.session.canWrite && (
          <Link to={{ view: 'create' }} class="button primary">
            Create queue
          </Link>
        )}
      </div>
      <div class="row list-controls">
        <div>
          <label for="queue-filter">Filter by name</label>
          <input
            id="queue-filter"
            type="search"
            placeholder="part of a queue name"
            value={filterInput}
            onInput={(e) => setFilterInput(e.currentTarget.value)}
          />
        </div>
        <div>
          <label for="queue-sort">Sort by</label>
          <select
            id="queue-sort"
            value={sort}
            onChange={(e) => {
              setSort(e.currentTarget.value === 'backlog' ? 'backlog' : 'name');
              setCursors([]);
            }}
          >
            <option value="name">Name</option>
            <option value="backlog">Backlog (largest first)</option>
          </select>
        </div>
        <div>
          <label for="queue-page-size">Per page</label>
          <select
            id="queue-page-size"
            value={String(pageSize)}
            onChange={(e) => {
              setPageSize(Number(e.currentTarget.value));
              setCursors([]);
            }}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {formatCount(size)}
              </option>
            ))}
          </select>
        </div>
        <p class="muted list-total" aria-live="polite">
          {list.data === undefined
            ? 'Loading…'
            : `${describeRange(cursors.length * pageSize, list.data.queues.length, list.data.total)}${filter === '' ? '' : ` matching “${filter}”`} · refreshed every ${POLL_MS / 1000} s`}
        </p>
      </div>
      <ErrorBox error={list.error} />
      {list.data !== undefined && list.data.queues.length === 0 && (
        <p class="muted">
          {filter === ''
            ? 'No queues yet. Create one here or with any SQS client.'
            : 'No queue matches the filter.'}
        </p>
      )}
      {list.data !== undefined && list.data.queues.length > 0 && <QueueTable queues={list.data.queues} />}
      <div class="row pager">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {list.data?.nextCursor !== undefined && (
          <button type="button" onClick={() => setCursors([...cursors, list.data?.nextCursor ?? ''])}>
            Next page
          </button>
        )}
      </div>
    </>
  );
}

/**
 * A real table whose rows are laid out as grid rows (queue-list.css): each row can then skip its layout and
 * painting while it is off screen (`content-visibility: auto`), so a thousand rows draw about as fast as a
 * screenful, and every row stays in the document for the keyboard, find-in-page and screen readers.
 */
function QueueTable(props: { queues: readonly QueueSummary[] }): JSX.Element {
  return (
    <table class="queues" aria-label="Queues">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col" class="num">
            Visible
          </th>
          <th scope="col" class="num">
            In flight
          </th>
          <th scope="col" class="num">
            Delayed
          </th>
          <th scope="col" class="num">
            Oldest
          </th>
          <th scope="col">Dead letters</th>
        </tr>
      </thead>
      <tbody>
        {props.queues.map((queue) => (
          <QueueRow key={queue.name} queue={queue} />
        ))}
      </tbody>
    </table>
  );
}

function QueueRow(props: { queue: QueueSummary }): JSX.Element {
  const { queue } = props;
  return (
    <tr data-queue={queue.name}>
      <th scope="row" class="queue-name">
        <Link to={{ view: 'queue', name: queue.name }}>{queue.name}</Link>
      </th>
      <td>
        <span class="badge">{queue.type === 'fifo' ? 'FIFO' : 'Standard'}</span>
      </td>
      <td class="num" data-count="visible">
        {formatCount(queue.counts?.visible)}
      </td>
      <td class="num" data-count="inFlight">
        {formatCount(queue.counts?.inFlight)}
      </td>
      <td class="num" data-count="delayed">
        {formatCount(queue.counts?.delayed)}
      </td>
      <td class="num">{formatDuration(queue.oldestAgeSeconds)}</td>
      <td class="relations">
        {queue.deadLetter !== undefined && (
          <div>
            → DLQ{' '}
            {queue.deadLetter.exists ? (
              <Link to={{ view: 'queue', name: queue.deadLetter.name }}>{queue.deadLetter.name}</Link>
            ) : (
              <span title="no queue of that name exists">{queue.deadLetter.name} (missing)</span>
            )}{' '}
            <span class="muted">after {queue.deadLetter.maxReceiveCount} receives</span>
          </div>
        )}
        {queue.deadLetterSources.length > 0 && (
          <div>
            ← DLQ of{' '}
            {queue.deadLetterSources.map((source, index) => (
              <span key={source}>
                {index > 0 && ', '}
                <Link to={{ view: 'queue', name: source }}>{source}</Link>
              </span>
            ))}
          </div>
        )}
        {queue.moveTask !== undefined && <MoveProgress task={queue.moveTask} compact />}
      </td>
    </tr>
  );
}

/** "3 queues", or "101–200 of 1,000 queues" when the list has more than one page. */
function describeRange(offset: number, shown: number, total: number): string {
  const noun = total === 1 ? 'queue' : 'queues';
  if (offset === 0 && shown >= total) return `${formatCount(total)} ${noun}`;
  return `${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)} ${noun}`;
}

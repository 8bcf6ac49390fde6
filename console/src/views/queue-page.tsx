import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import type { QueueDetail, Session } from '../api-types';
import { formatCount, formatDuration, formatTime } from '../format';
import { Link, navigate } from '../router';
import { usePoll } from '../use-poll';
import { ConfirmByName } from './confirm-by-name';
import { ErrorBox } from './error-box';
import { HistoryCharts } from './history-chart';
import { Messages } from './messages';
import { Redrive } from './redrive';
import { SendForm } from './send-form';
import './queue-page.css';

const POLL_MS = 3000;

type Panel = 'none' | 'send' | 'purge' | 'delete';

/** One queue: its counts and relations, its messages (peeked, never received), actions and history. */
export function QueuePage(props: { name: string; session: Session }): JSX.Element {
  const { name, session } = props;
  const detail = usePoll(() => api.queue(name), name, POLL_MS);
  const [panel, setPanel] = useState<Panel>('none');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [messagesVersion, setMessagesVersion] = useState(0);
  const queue = detail.data;
  useEffect(() => {
    document.title = `${name} · Queues`;
  }, [name]);
  // Escape closes an open send, purge or delete panel, as it would a dialog.
  useEffect(() => {
    if (panel === 'none') return;
    const close = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setPanel('none');
    };
    addEventListener('keydown', close);
    return () => removeEventListener('keydown', close);
  }, [panel]);

  const changed = (message: string) => {
    setNotice(message);
    setPanel('none');
    detail.refresh();
    setMessagesVersion((n) => n + 1);
  };

  if (queue === undefined) {
    return (
      <>
        <Breadcrumb name={name} />
        {detail.error instanceof ApiError && detail.error.code === 'QueueDoesNotExist' ? (
          <p class="error" role="alert">
            There is no queue named <strong>{name}</strong> (any more).
          </p>
        ) : (
          <ErrorBox error={detail.error} />
        )}
        {detail.error === undefined && <p class="muted">Loading…</p>}
      </>
    );
  }

  return (
    <>
      <Breadcrumb name={name} />
      <div class="queue-head">
        <h1>
          {queue.name} <span class="badge">{queue.type === 'fifo' ? 'FIFO' : 'Standard'}</span>
        </h1>
        {session.canWrite && (
          <div class="row actions">
            <button
              type="button"
              class="primary"
              onClick={() => setPanel(panel === 'send' ? 'none' : 'send')}
            >
              Send message
            </button>
            <button type="button" onClick={() => setPanel(panel === 'purge' ? 'none' : 'purge')}>
              Purge…
            </button>
            <button type="button" onClick={() => setPanel(panel === 'delete' ? 'none' : 'delete')}>
              Delete queue…
            </button>
          </div>
        )}
      </div>
      <ErrorBox error={detail.error} />
      <Counts queue={queue} />
      <Relations queue={queue} />
      {notice !== undefined && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {panel === 'send' && (
        <SendForm
          queue={queue}
          onSent={(id) => changed(`Sent message ${id}.`)}
          onClose={() => setPanel('none')}
        />
      )}
      {panel === 'purge' && (
        <ConfirmByName
          id="purge"
          queueName={queue.name}
          title="Purge queue"
          explanation="Deletes every message in the queue, in flight and delayed ones too. This cannot be undone."
          actionLabel="Purge"
          onConfirm={async (typed) => {
            await api.purgeQueue(queue.name, typed);
            changed(`Purged ${queue.name}.`);
          }}
          onCancel={() => setPanel('none')}
        />
      )}
      {panel === 'delete' && (
        <ConfirmByName
          id="delete-queue"
          queueName={queue.name}
          title="Delete queue"
          explanation="Deletes the queue and every message in it. This cannot be undone."
          actionLabel="Delete queue"
          onConfirm={async (typed) => {
            await api.deleteQueue(queue.name, typed);
            navigate({ view: 'queues' });
          }}
          onCancel={() => setPanel('none')}
        />
      )}
      {(queue.deadLetterSources.length > 0 || queue.moveTasks.length > 0) && (
        <Redrive
          queue={queue}
          canWrite={session.canWrite}
          onChange={() => {
            detail.refresh();
            setMessagesVersion((n) => n + 1);
          }}
        />
      )}
      <Messages queue={queue} canWrite={session.canWrite} version={messagesVersion} />
      <HistoryCharts name={queue.name} />
      <Attributes queue={queue} />
    </>
  );
}

function Breadcrumb(props: { name: string }): JSX.Element {
  return (
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <Link to={{ view: 'queues' }}>Queues</Link> / <span aria-current="page">{props.name}</span>
    </nav>
  );
}

function Counts(props: { queue: QueueDetail }): JSX.Element {
  const { queue } = props;
  const cards: [string, string, string][] = [
    ['visible', 'Visible', formatCount(queue.counts?.visible)],
    ['inFlight', 'In flight', formatCount(queue.counts?.inFlight)],
    ['delayed', 'Delayed', formatCount(queue.counts?.delayed)],
    ['oldest', 'Oldest message', formatDuration(queue.oldestAgeSeconds)],
  ];
  return (
    <dl class="counts" aria-label="Counts">
      {cards.map(([key, label, value]) => (
        <div key={key} class="count" data-count={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Relations(props: { queue: QueueDetail }): JSX.Element | null {
  const { queue } = props;
  if (queue.deadLetter === undefined && queue.deadLetterSources.length === 0) return null;
  return (
    <div class="relations panel-lite">
      {queue.deadLetter !== undefined && (
        <p>
          Messages received {queue.deadLetter.maxReceiveCount} times without being deleted move to the
          dead-letter queue{' '}
          {queue.deadLetter.exists ? (
            <Link to={{ view: 'queue', name: queue.deadLetter.name }}>{queue.deadLetter.name}</Link>
          ) : (
            <strong>{queue.deadLetter.name} (which does not exist)</strong>
          )}
          .
        </p>
      )}
      {queue.deadLetterSources.length > 0 && (
        <p>
          This is the dead-letter queue of{' '}
          {queue.deadLetterSources.map((source, index) => (
            <span key={source}>
              {index > 0 && ', '}
              <Link to={{ view: 'queue', name: source }}>{source}</Link>
            </span>
          ))}
          : messages land here after too many receives there.
        </p>
      )}
    </div>
  );
}

function Attributes(props: { queue: QueueDetail }): JSX.Element {
  const { queue } = props;
  const tags = Object.entries(queue.tags);
  return (
    <details class="panel attributes">
      <summary>
        <h2>Attributes and tags</h2>
      </summary>
      <table>
        <tbody>
          <tr>
            <th scope="row">URL</th>
            <td class="mono">{queue.url}</td>
          </tr>
          <tr>
            <th scope="row">ARN</th>
            <td class="mono">{queue.arn}</td>
          </tr>
          <tr>
            <th scope="row">Created</th>
            <td>{formatTime(queue.createdMs)}</td>
          </tr>
          <tr>
            <th scope="row">Modified</th>
            <td>{formatTime(queue.modifiedMs)}</td>
          </tr>
          {Object.entries(queue.attributes)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td class="mono">{value}</td>
              </tr>
            ))}
          {tags.map(([name, value]) => (
            <tr key={`tag:${name}`}>
              <th scope="row">tag {name}</th>
              <td class="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { PeekedMessage, QueueDetail } from '../api-types';
import { formatBytes, formatRelative, formatTime, prettyBody, queueNameOfArn } from '../format';
import { Link } from '../router';
import { ErrorBox } from './error-box';

const STATE_LABELS = { visible: 'Visible', inFlight: 'In flight', delayed: 'Delayed' } as const;

/**
 * One peeked message. Everything it shows (body, attribute names and values) is rendered as text by Preact:
 * no markup from a message ever reaches the DOM as markup.
 */
export function MessageCard(props: {
  queue: QueueDetail;
  message: PeekedMessage;
  canWrite: boolean;
  sourceLimits: ReadonlyMap<string, number>;
  onDeleted(): void;
}): JSX.Element {
  const { queue, message } = props;
  const [fullBody, setFullBody] = useState<string | undefined>(undefined);
  const [loadingBody, setLoadingBody] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const keepButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirmDelete) keepButton.current?.focus();
  }, [confirmDelete]);
  const truncated = message.bodyTruncated && fullBody === undefined;
  const body = prettyBody(fullBody ?? message.body, truncated);

  const showAll = async () => {
    setLoadingBody(true);
    setError(undefined);
    try {
      const whole = await api.message(queue.name, message.messageId, message.locator);
      setFullBody(whole.body);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoadingBody(false);
    }
  };
  const remove = async () => {
    setError(undefined);
    try {
      await api.deleteMessage(queue.name, message.messageId, message.locator);
      props.onDeleted();
    } catch (failure) {
      setError(failure);
      setConfirmDelete(false);
    }
  };

  return (
    <li class="message" data-message-id={message.messageId} data-state={message.state}>
      <div class="message-head">
        <span class={`badge state-${message.state}`}>{STATE_LABELS[message.state]}</span>
        {message.visibleAtMs !== undefined && (
          <span class="muted">
            {message.state === 'inFlight' ? 'visible again' : 'receivable'}{' '}
            {formatRelative(message.visibleAtMs)} ({formatTime(message.visibleAtMs)})
          </span>
        )}
        <span class="receive-count" data-receive-count={message.receiveCount}>
          Received <strong>{message.receiveCount}</strong> {message.receiveCount === 1 ? 'time' : 'times'}
        </span>
        <span class="muted" title={new Date(message.sentMs).toISOString()}>
          sent {formatTime(message.sentMs)} ({formatRelative(message.sentMs)})
        </span>
      </div>
      <DeadLetterOrigin message={message} sourceLimits={props.sourceLimits} />
      <dl class="message-facts">
        <div>
          <dt>Message id</dt>
          <dd class="mono">{message.messageId}</dd>
        </div>
        {message.groupId !== undefined && (
          <div>
            <dt>Group</dt>
            <dd class="mono">{message.groupId}</dd>
          </div>
        )}
        {message.sequenceNumber !== undefined && (
          <div>
            <dt>Sequence number</dt>
            <dd class="mono">{message.sequenceNumber}</dd>
          </div>
        )}
        {message.deduplicationId !== undefined && (
          <div>
            <dt>Deduplication id</dt>
            <dd class="mono">{message.deduplicationId}</dd>
          </div>
        )}
        {message.firstReceiveMs !== undefined && (
          <div>
            <dt>First received</dt>
            <dd>{formatTime(message.firstReceiveMs)}</dd>
          </div>
        )}
      </dl>
      <div class="body-head">
        <span class="muted">
          Body, {formatBytes(message.bodySize)}
          {body.json ? ', JSON (indented)' : ''}
          {truncated ? ', cut short' : ''}
        </span>
        {truncated && (
          <button type="button" class="link" onClick={() => void showAll()} disabled={loadingBody}>
            {loadingBody ? 'Loading…' : `Show all ${formatBytes(message.bodySize)}`}
          </button>
        )}
      </div>
      <pre class="message-body">
        {body.text}
        {truncated ? '…' : ''}
      </pre>
      <AttributesTable message={message} />
      <ErrorBox error={error} />
      {props.canWrite && (
        <div class="row message-actions">
          {confirmDelete ? (
            <>
              <span>Delete this message for good?</span>
              <button type="button" class="danger" onClick={() => void remove()}>
                Delete message
              </button>
              <button type="button" ref={keepButton} onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** Why a message is in this dead-letter queue: where it came from and how often it had been received. */
function DeadLetterOrigin(props: {
  message: PeekedMessage;
  sourceLimits: ReadonlyMap<string, number>;
}): JSX.Element | null {
  const { message } = props;
  if (message.deadLetterSourceArn === undefined) return null;
  const source = queueNameOfArn(message.deadLetterSourceArn);
  const limit = props.sourceLimits.get(source);
  return (
    <p class="dead-letter-origin">
      Dead letter: moved here from <Link to={{ view: 'queue', name: source }}>{source}</Link>, received{' '}
      {message.receiveCount} {message.receiveCount === 1 ? 'time' : 'times'} without being deleted
      {limit === undefined
        ? ''
        : ` (${source} moves a message here once it has been received ${limit} times)`}
      .
    </p>
  );
}

function AttributesTable(props: { message: PeekedMessage }): JSX.Element | null {
  const custom = Object.entries(props.message.messageAttributes ?? {});
  const system = Object.entries(props.message.attributes);
  if (custom.length === 0 && system.length === 0) return null;
  return (
    <details class="message-attributes" open={custom.length > 0}>
      <summary>
        Attributes ({custom.length} message, {system.length} system)
      </summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {custom.map(([name, value]) => (
            <tr key={`m:${name}`} class="message-attribute">
              <th scope="row" class="mono">
                {name}
              </th>
              <td>{value.dataType}</td>
              <td class="mono">{value.stringValue ?? value.binaryValue ?? ''}</td>
            </tr>
          ))}
          {system.map(([name, value]) => (
            <tr key={`s:${name}`}>
              <th scope="row" class="mono">
                {name}
              </th>
              <td class="muted">system</td>
              <td class="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

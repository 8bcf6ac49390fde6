import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { MessageAttributeValue, QueueDetail, SendInput } from '../api-types';
import { ErrorBox } from './error-box';

interface AttributeRow {
  readonly id: number;
  name: string;
  dataType: 'String' | 'Number' | 'Binary';
  value: string;
}

let nextRowId = 1;

/** SendMessage from the page: body, message attributes, delay, and for FIFO queues group and deduplication ids. */
export function SendForm(props: {
  queue: QueueDetail;
  onSent(messageId: string): void;
  onClose(): void;
}): JSX.Element {
  const { queue } = props;
  const fifo = queue.type === 'fifo';
  const [body, setBody] = useState('');
  const [delaySeconds, setDelaySeconds] = useState('');
  const [groupId, setGroupId] = useState('');
  const [dedupId, setDedupId] = useState('');
  const [rows, setRows] = useState<AttributeRow[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const bodyField = useRef<HTMLTextAreaElement>(null);
  useEffect(() => bodyField.current?.focus(), []);

  const update = (id: number, change: Partial<AttributeRow>) =>
    setRows(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const messageAttributes: Record<string, MessageAttributeValue> = {};
    for (const row of rows) {
      if (row.name === '') continue;
      messageAttributes[row.name] =
        row.dataType === 'Binary'
          ? { dataType: row.dataType, binaryValue: row.value }
          : { dataType: row.dataType, stringValue: row.value };
    }
    const input: SendInput = {
      body,
      ...(delaySeconds.trim() === '' ? {} : { delaySeconds: Number(delaySeconds) }),
      ...(rows.length === 0 ? {} : { messageAttributes }),
      ...(groupId === '' ? {} : { messageGroupId: groupId }),
      ...(dedupId === '' ? {} : { messageDeduplicationId: dedupId }),
    };
    try {
      const sent = await api.send(queue.name, input);
      setBody('');
      props.onSent(sent.messageId);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel send" aria-labelledby="send-title">
      <h2 id="send-title">Send a message to {queue.name}</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="send-body">Body</label>
          <textarea
            id="send-body"
            ref={bodyField}
            rows={6}
            value={body}
            onInput={(e) => setBody(e.currentTarget.value)}
          />
        </div>
        <div class="row">
          <div class="field">
            <label for="send-delay">
              Delay <span class="hint">seconds, 0 to 900</span>
            </label>
            <input
              id="send-delay"
              type="number"
              min={0}
              max={900}
              placeholder={queue.attributes.DelaySeconds ?? '0'}
              value={delaySeconds}
              onInput={(e) => setDelaySeconds(e.currentTarget.value)}
            />
          </div>
          {fifo && (
            <>
              <div class="field">
                <label for="send-group">Message group id</label>
                <input
                  id="send-group"
                  required
                  value={groupId}
                  onInput={(e) => setGroupId(e.currentTarget.value)}
                />
              </div>
              <div class="field">
                <label for="send-dedup">
                  Deduplication id{' '}
                  {queue.attributes.ContentBasedDeduplication === 'true' && (
                    <span class="hint">optional: the body's SHA-256 otherwise</span>
                  )}
                </label>
                <input id="send-dedup" value={dedupId} onInput={(e) => setDedupId(e.currentTarget.value)} />
              </div>
            </>
          )}
        </div>
        <fieldset class="send-attributes">
          <legend>Message attributes</legend>
          {rows.map((row, index) => (
            <div class="row" key={row.id}>
              <div class="field">
                <label for={`attr-name-${row.id}`}>Name {index + 1}</label>
                <input
                  id={`attr-name-${row.id}`}
                  value={row.name}
                  onInput={(e) => update(row.id, { name: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`attr-type-${row.id}`}>Type</label>
                <select
                  id={`attr-type-${row.id}`}
                  value={row.dataType}
                  onChange={(e) =>
                    update(row.id, { dataType: e.currentTarget.value as AttributeRow['dataType'] })
                  }
                >
                  <option value="String">String</option>
                  <option value="Number">Number</option>
                  <option value="Binary">Binary (base64)</option>
                </select>
              </div>
              <div class="field">
                <label for={`attr-value-${row.id}`}>Value</label>
                <input
                  id={`attr-value-${row.id}`}
                  value={row.value}
                  onInput={(e) => update(row.id, { value: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <button
                  type="button"
                  aria-label={`Remove attribute ${index + 1}`}
                  onClick={() => setRows(rows.filter((r) => r.id !== row.id))}
                >
                  Remove
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setRows([...rows, { id: nextRowId++, name: '', dataType: 'String', value: '' }])}
          >
            Add attribute
          </button>
        </fieldset>
        <ErrorBox error={error} />
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send'}
          </button>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </form>
    </section>
  );
}

import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { Link, navigate } from '../router';
import { usePoll } from '../use-poll';
import { ErrorBox } from './error-box';

/** Attributes the form offers, with SQS's defaults as placeholders; empty fields are not sent. */
const NUMERIC_ATTRIBUTES = [
  { name: 'VisibilityTimeout', label: 'Visibility timeout', hint: 'seconds, 0 to 43,200', placeholder: '30' },
  {
    name: 'MessageRetentionPeriod',
    label: 'Retention',
    hint: 'seconds, 60 to 1,209,600',
    placeholder: '345600',
  },
  { name: 'DelaySeconds', label: 'Delivery delay', hint: 'seconds, 0 to 900', placeholder: '0' },
  {
    name: 'ReceiveMessageWaitTimeSeconds',
    label: 'Receive wait',
    hint: 'seconds, 0 to 20',
    placeholder: '0',
  },
  {
    name: 'MaximumMessageSize',
    label: 'Maximum message size',
    hint: 'bytes, 1,024 to 1,048,576',
    placeholder: '1048576',
  },
] as const;

/** CreateQueue from the page: name, type, the common attributes and a dead-letter queue (RedrivePolicy). */
export function CreateQueue(): JSX.Element {
  const [name, setName] = useState('');
  const [fifo, setFifo] = useState(false);
  const [contentDedup, setContentDedup] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [deadLetterName, setDeadLetterName] = useState('');
  const [maxReceiveCount, setMaxReceiveCount] = useState('3');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const queues = usePoll(() => api.listQueues({ limit: 1000 }), 'all', 5000);
  const fullName = fifo && !name.endsWith('.fifo') && name !== '' ? `${name}.fifo` : name;
  const candidates = (queues.data?.queues ?? []).filter((queue) => (queue.type === 'fifo') === fifo);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(values))
      if (value.trim() !== '') attributes[key] = value.trim();
    if (fifo) attributes.FifoQueue = 'true';
    if (fifo && contentDedup) attributes.ContentBasedDeduplication = 'true';
    try {
      const created = await api.createQueue({
        name: fullName,
        attributes,
        ...(deadLetterName === ''
          ? {}
          : { deadLetter: { name: deadLetterName, maxReceiveCount: Number(maxReceiveCount) } }),
      });
      navigate({ view: 'queue', name: created.name });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <Link to={{ view: 'queues' }}>Queues</Link> / <span aria-current="page">Create queue</span>
      </nav>
      <h1>Create queue</h1>
      <form class="panel" onSubmit={submit}>
        <div class="field">
          <label for="create-name">
            Name{' '}
            <span class="hint">letters, digits, - and _, up to 80; a FIFO queue's name ends in .fifo</span>
          </label>
          <input id="create-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          {fullName !== name && <p class="hint">Will be created as {fullName}</p>}
        </div>
        <fieldset class="field">
          <legend>Type</legend>
          <label>
            <input type="radio" name="type" checked={!fifo} onChange={() => setFifo(false)} /> Standard
          </label>
          <label>
            <input type="radio" name="type" checked={fifo} onChange={() => setFifo(true)} /> FIFO (ordered,
            exactly once)
          </label>
          {fifo && (
            <label>
              <input
                type="checkbox"
                checked={contentDedup}
                onChange={(e) => setContentDedup(e.currentTarget.checked)}
              />{' '}
              Content-based deduplication
            </label>
          )}
        </fieldset>
        <div class="row">
          {NUMERIC_ATTRIBUTES.map((attribute) => (
            <div class="field" key={attribute.name}>
              <label for={`create-${attribute.name}`}>
                {attribute.label} <span class="hint">{attribute.hint}</span>
              </label>
              <input
                id={`create-${attribute.name}`}
                type="number"
                placeholder={attribute.placeholder}
                value={values[attribute.name] ?? ''}
                onInput={(e) => setValues({ ...values, [attribute.name]: e.currentTarget.value })}
              />
            </div>
          ))}
        </div>
        <fieldset class="field">
          <legend>Dead-letter queue</legend>
          <div class="row">
            <div class="field">
              <label for="create-dlq">Move messages received too often to</label>
              <select
                id="create-dlq"
                value={deadLetterName}
                onChange={(e) => setDeadLetterName(e.currentTarget.value)}
              >
                <option value="">No dead-letter queue</option>
                {candidates.map((queue) => (
                  <option key={queue.name} value={queue.name}>
                    {queue.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="create-max-receive">After this many receives</label>
              <input
                id="create-max-receive"
                type="number"
                min={1}
                max={1000}
                disabled={deadLetterName === ''}
                value={maxReceiveCount}
                onInput={(e) => setMaxReceiveCount(e.currentTarget.value)}
              />
            </div>
          </div>
        </fieldset>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create queue'}
        </button>
      </form>
    </>
  );
}

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { QueueDetail } from '../api-types';
import { formatTime } from '../format';
import { usePoll } from '../use-poll';
import { ErrorBox } from './error-box';
import { MoveProgress } from './move-progress';

const POLL_MS = 1000;

/** Redrive out of a dead-letter queue (a message move task), with its progress polled every second. */
export function Redrive(props: { queue: QueueDetail; canWrite: boolean; onChange(): void }): JSX.Element {
  const { queue } = props;
  const tasks = usePoll(() => api.moveTasks(queue.name), queue.name, POLL_MS);
  const [destination, setDestination] = useState('');
  const [rate, setRate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const list = tasks.data?.tasks ?? queue.moveTasks;
  const running = list.find((task) => task.status === 'RUNNING' || task.status === 'CANCELLING');
  const latest = list[0];
  // When a redrive ends, the queue's counts and messages have changed: the page refreshes them at once.
  const lastStatus = useRef(latest?.status);
  useEffect(() => {
    const wasMoving = lastStatus.current === 'RUNNING' || lastStatus.current === 'CANCELLING';
    lastStatus.current = latest?.status;
    if (wasMoving && latest?.status !== 'RUNNING' && latest?.status !== 'CANCELLING') props.onChange();
  });

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      tasks.refresh();
      props.onChange();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const start = (event: Event) => {
    event.preventDefault();
    void act(() =>
      api.startRedrive(queue.name, {
        ...(destination === '' ? {} : { destination }),
        ...(rate.trim() === '' ? {} : { maxNumberOfMessagesPerSecond: Number(rate) }),
      }),
    );
  };

  return (
    <section class="panel redrive" aria-labelledby="redrive-title">
      <h2 id="redrive-title">Redrive</h2>
      {latest !== undefined && (
        <div class="redrive-latest">
          <MoveProgress task={latest} />
          <p class="muted">Started {formatTime(latest.startedMs)}</p>
        </div>
      )}
      {running?.taskHandle !== undefined && props.canWrite && (
        <button
          type="button"
          disabled={busy || running.status === 'CANCELLING'}
          onClick={() => void act(() => api.cancelRedrive(queue.name, running.taskHandle ?? ''))}
        >
          Cancel redrive
        </button>
      )}
      {running === undefined && props.canWrite && queue.deadLetterSources.length > 0 && (
        <form onSubmit={start}>
          <p>
            Move this dead-letter queue's messages back, once their cause is fixed. Redriven messages are new
            messages: new ids, receive counts start again.
          </p>
          <div class="row">
            <div class="field">
              <label for="redrive-destination">Destination</label>
              <select
                id="redrive-destination"
                value={destination}
                onChange={(e) => setDestination(e.currentTarget.value)}
              >
                <option value="">Each message's source queue</option>
                {queue.deadLetterSources.map((source) => (
                  <option key={source} value={source}>
                    {source}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="redrive-rate">
                Messages per second <span class="hint">1 to 500; empty: as fast as it safely can</span>
              </label>
              <input
                id="redrive-rate"
                type="number"
                min={1}
                max={500}
                value={rate}
                onInput={(e) => setRate(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <button type="submit" class="primary" disabled={busy}>
                Start redrive
              </button>
            </div>
          </div>
        </form>
      )}
      <ErrorBox error={error ?? tasks.error} />
    </section>
  );
}

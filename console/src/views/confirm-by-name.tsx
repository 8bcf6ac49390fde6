import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from './error-box';

/**
 * A destructive action guarded by typing the queue's name: the button stays disabled until the name matches,
 * and the typed text is what the API checks too.
 */
export function ConfirmByName(props: {
  id: string;
  queueName: string;
  title: string;
  explanation: string;
  actionLabel: string;
  onConfirm(typed: string): Promise<void>;
  onCancel(): void;
}): JSX.Element {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const matches = typed === props.queueName;
  const input = useRef<HTMLInputElement>(null);
  // The panel opens from a button: put the keyboard where the next step is.
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm(typed);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel confirm" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <p>{props.explanation}</p>
      <form onSubmit={submit}>
        <label for={`${props.id}-input`}>
          Type <code>{props.queueName}</code> to confirm
        </label>
        <div class="row">
          <input
            id={`${props.id}-input`}
            ref={input}
            autocomplete="off"
            spellcheck={false}
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
          <button type="submit" class="danger" disabled={!matches || busy}>
            {props.actionLabel}
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}

import type { JSX } from 'preact';
import { ApiError } from '../api';

/** An API error as the API wrote it (code and message), or nothing. */
export function ErrorBox(props: { error: unknown }): JSX.Element | null {
  if (props.error === undefined || props.error === null) return null;
  const error = props.error;
  return (
    <div class="error" role="alert">
      {error instanceof ApiError ? (
        <>
          <strong>{error.code}</strong>: {error.message}
        </>
      ) : (
        String(error instanceof Error ? error.message : error)
      )}
    </div>
  );
}

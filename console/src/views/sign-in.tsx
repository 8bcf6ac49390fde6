import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import type { Session } from '../api-types';
import { saveCredentials } from '../session';

/**
 * Asks for an access key id and secret, checks them with a signed request, and keeps them in this tab's
 * sessionStorage only: the server stores nothing about the sign-in.
 */
export function SignIn(props: {
  reason?: string | undefined;
  onSignedIn(session: Session): void;
}): JSX.Element {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [error, setError] = useState<string | undefined>(props.reason);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const credentials = { accessKeyId: accessKeyId.trim(), secretAccessKey, region: region.trim() };
    try {
      const session = await api.session(credentials);
      saveCredentials(credentials);
      props.onSignedIn(session);
    } catch (failure) {
      setError(describeRefusal(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p class="muted">
        This service requires an access key (<code>npm run keys -- create</code> makes one). The key stays in
        this browser tab and signs each request; nothing is stored on the server.
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="access-key-id">Access key id</label>
          <input
            id="access-key-id"
            name="accessKeyId"
            autocomplete="username"
            required
            value={accessKeyId}
            onInput={(e) => setAccessKeyId(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="secret-access-key">Secret access key</label>
          <input
            id="secret-access-key"
            name="secretAccessKey"
            type="password"
            autocomplete="current-password"
            required
            value={secretAccessKey}
            onInput={(e) => setSecretAccessKey(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="region">
            Region{' '}
            <span class="hint">(the service's region; us-east-1 unless it was started with another)</span>
          </label>
          <input
            id="region"
            name="region"
            required
            value={region}
            onInput={(e) => setRegion(e.currentTarget.value)}
          />
        </div>
        {error !== undefined && (
          <div class="error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}

function describeRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  switch (error.code) {
    case 'SignatureDoesNotMatch':
      return `Refused: the secret access key does not match this access key id (${error.code}). ${error.message}`;
    case 'InvalidClientTokenId':
      return `Refused: the service knows no such access key, or it was revoked (${error.code}).`;
    default:
      return `Refused: ${error.message} (${error.code})`;
  }
}

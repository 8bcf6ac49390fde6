import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ApiError, api, KEY_REFUSED_EVENT, needsSignIn } from './api';
import type { Session } from './api-types';
import { Link, useRoute } from './router';
import { clearCredentials, loadCredentials } from './session';
import { CreateQueue } from './views/create-queue';
import { QueueList } from './views/queue-list';
import { QueuePage } from './views/queue-page';
import { SignIn } from './views/sign-in';
import { TopicList, TopicPage } from './views/topics';

type SessionState =
  | { readonly kind: 'checking' }
  | { readonly kind: 'signedIn'; readonly session: Session }
  | { readonly kind: 'signIn'; readonly reason?: string }
  | { readonly kind: 'failed'; readonly message: string };

/** Checks who the page is (no sign-in when the service runs without auth), then shows the route. */
export function App(): JSX.Element {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const route = useRoute();

  const check = useCallback(async () => {
    try {
      setState({ kind: 'signedIn', session: await api.session() });
    } catch (error) {
      if (needsSignIn(error)) {
        const hadKey = loadCredentials() !== undefined;
        clearCredentials();
        setState({ kind: 'signIn', ...(hadKey ? { reason: (error as ApiError).message } : {}) });
      } else {
        setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    }
  }, []);
  useEffect(() => {
    void check();
  }, [check]);
  useEffect(() => {
    const refused = (event: Event) => {
      clearCredentials();
      setState({
        kind: 'signIn',
        reason: `Your access key was refused: ${(event as CustomEvent<string>).detail}`,
      });
    };
    addEventListener(KEY_REFUSED_EVENT, refused);
    return () => removeEventListener(KEY_REFUSED_EVENT, refused);
  }, []);

  const signOut = () => {
    clearCredentials();
    setState({ kind: 'signIn' });
  };

  return (
    <>
      <header class="top">
        <Link to={{ view: 'queues' }} class="brand">
          Queues
        </Link>
        <Link to={{ view: 'topics' }} class="brand">
          Topics
        </Link>
        {state.kind === 'signedIn' && (
          <div class="who">
            <span>
              account <span class="mono">{state.session.accountId}</span> · {state.session.region}
            </span>
            {state.session.auth && (
              <>
                <span>
                  key <span class="mono">{state.session.keyName ?? state.session.accessKeyId}</span>
                </span>
                <button type="button" onClick={signOut}>
                  Sign out
                </button>
              </>
            )}
          </div>
        )}
      </header>
      <main>
        {state.kind === 'checking' && <p class="muted">Connecting…</p>}
        {state.kind === 'failed' && (
          <div class="error" role="alert">
            {state.message}{' '}
            <button type="button" onClick={() => void check()}>
              Try again
            </button>
          </div>
        )}
        {state.kind === 'signIn' && (
          <SignIn reason={state.reason} onSignedIn={(session) => setState({ kind: 'signedIn', session })} />
        )}
        {state.kind === 'signedIn' && <Routed route={route} session={state.session} />}
      </main>
    </>
  );
}

function Routed(props: { route: ReturnType<typeof useRoute>; session: Session }): JSX.Element {
  const { route, session } = props;
  switch (route.view) {
    case 'queues':
      return <QueueList session={session} />;
    case 'create':
      return <CreateQueue />;
    case 'queue':
      return <QueuePage key={route.name} name={route.name} session={session} />;
    case 'topics':
      return <TopicList />;
    case 'topic':
      return <TopicPage key={route.name} name={route.name} />;
  }
}

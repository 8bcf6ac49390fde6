import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Where the page is: the queue list, one queue, the create form, the topic list or one topic. Paths live under `/console`. */
export type Route =
  | { readonly view: 'queues' }
  | { readonly view: 'create' }
  | { readonly view: 'queue'; readonly name: string }
  | { readonly view: 'topics' }
  | { readonly view: 'topic'; readonly name: string };

const BASE = '/console';

/** The route a path names; anything unknown shows the queue list. */
export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  if (rest === '/new') return { view: 'create' };
  if (rest === '/topics' || rest === '/topics/') return { view: 'topics' };
  const topic = /^\/topics\/([^/]+)\/?$/.exec(rest);
  if (topic?.[1] !== undefined) {
    try {
      return { view: 'topic', name: decodeURIComponent(topic[1]) };
    } catch {
      return { view: 'topics' };
    }
  }
  const match = /^\/queues\/([^/]+)\/?$/.exec(rest);
  if (match?.[1] !== undefined) {
    try {
      return { view: 'queue', name: decodeURIComponent(match[1]) };
    } catch {
      return { view: 'queues' };
    }
  }
  return { view: 'queues' };
}

export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'queues':
      return `${BASE}/`;
    case 'create':
      return `${BASE}/new`;
    case 'queue':
      return `${BASE}/queues/${encodeURIComponent(route.name)}`;
    case 'topics':
      return `${BASE}/topics`;
    case 'topic':
      return `${BASE}/topics/${encodeURIComponent(route.name)}`;
  }
}

const listeners = new Set<() => void>();
addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** Goes to a route as a link would, without reloading the page. */
export function navigate(route: Route): void {
  history.pushState(null, '', hrefOf(route));
  for (const listener of listeners) listener();
  scrollTo(0, 0);
}

/** The current route; re-renders on navigation and on the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return route;
}

/** A real link (open in a new tab works) that navigates in place on a plain click. */
export function Link(props: {
  to: Route;
  children: ComponentChildren;
  class?: string;
  'aria-label'?: string;
}): JSX.Element {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={hrefOf(props.to)} onClick={onClick} class={props.class} aria-label={props['aria-label']}>
      {props.children}
    </a>
  );
}

import type { Credentials } from './signing';

const STORAGE_KEY = 'console.credentials';

/** The signed-in access key of this browser tab: sessionStorage only, gone when the tab closes. */
export function loadCredentials(): Credentials | undefined {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (stored === null) return undefined;
    const parsed = JSON.parse(stored) as Partial<Credentials>;
    if (
      typeof parsed.accessKeyId === 'string' &&
      typeof parsed.secretAccessKey === 'string' &&
      typeof parsed.region === 'string'
    ) {
      return {
        accessKeyId: parsed.accessKeyId,
        secretAccessKey: parsed.secretAccessKey,
        region: parsed.region,
      };
    }
  } catch {
    // Storage unavailable or garbled: treat as signed out.
  }
  return undefined;
}

export function saveCredentials(credentials: Credentials): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function clearCredentials(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

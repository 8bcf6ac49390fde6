/** A problem the user can fix: `npm start` prints `error: <message>` without a stack trace and exits 1. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

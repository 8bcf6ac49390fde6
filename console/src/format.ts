/** How the page writes numbers, times and bodies. */

const COUNT = new Intl.NumberFormat('en');

export function formatCount(value: number | undefined): string {
  return value === undefined ? '–' : COUNT.format(value);
}

/** A duration in seconds, as a person says it: "42 s", "3 min", "2 h 5 min", "3 d 4 h". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 === 0 || s >= 600 ? '' : ` ${s % 60} s`}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`;
}

/** A time as a local date and time, to the second. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const date = new Date(ms);
  const sameDay = new Date().toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour12: false })
    : date.toLocaleString(undefined, { hour12: false });
}

/** "3 min ago", "in 20 s". */
export function formatRelative(ms: number, nowMs: number = Date.now()): string {
  const seconds = (ms - nowMs) / 1000;
  return seconds >= 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The body indented when it is a JSON object or array (and was not cut short), else as it is. */
export function prettyBody(body: string, truncated: boolean): { text: string; json: boolean } {
  const trimmed = body.trim();
  if (!truncated && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // Not JSON after all.
    }
  }
  return { text: body, json: false };
}

/** The queue name at the end of an SQS ARN (`arn:aws:sqs:region:account:name`). */
export function queueNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

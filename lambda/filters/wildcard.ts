/**
 * EventBridge's `wildcard` operator: `*` stands for any run of characters (none included), `\*` for a
 * literal star and `\\` for a literal backslash. Matching splits the pattern at its stars and finds the
 * pieces left to right, so it never backtracks: a hostile value costs at most length × pattern length.
 */

/** A wildcard pattern cut at its stars: `pieces[0]` must start the value and the last piece end it. */
export interface WildcardPattern {
  readonly pieces: readonly string[];
}

/** Why a wildcard pattern is refused, with EventBridge's reason text. */
export type WildcardProblem = { readonly reason: string } | undefined;

/**
 * Most stars one pattern may hold. EventBridge refuses patterns its matcher finds too complex; the exact rule is
 * internal to AWS (event-ruler's complexity evaluator), and more than 5 stars is the observed boundary.
 */
export const MAX_WILDCARD_STARS = 5;

/** Splits `text` into its literal pieces, or says why EventBridge would refuse it. */
export function compileWildcard(text: string): WildcardPattern | { readonly problem: string } {
  const pieces: string[] = [];
  let current = '';
  let stars = 0;
  let previousWasStar = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && (text[i + 1] === '*' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i++;
      previousWasStar = false;
      continue;
    }
    if (char === '*') {
      if (previousWasStar) return { problem: `Consecutive wildcard characters at pos ${i}` };
      stars++;
      pieces.push(current);
      current = '';
      previousWasStar = true;
      continue;
    }
    current += char;
    previousWasStar = false;
  }
  pieces.push(current);
  if (stars > MAX_WILDCARD_STARS) {
    return {
      problem:
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    };
  }
  return { pieces };
}

/** True when `value` matches the pattern. */
export function matchesWildcard(pattern: WildcardPattern, value: string): boolean {
  const { pieces } = pattern;
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}

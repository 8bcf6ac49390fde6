/** A lone surrogate: what invalid UTF-8 in a request becomes (protocol/body.ts), and what no SNS field may hold. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether text is well-formed Unicode (String#isWellFormed, which Node 20's TypeScript lib does not declare). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** The AWS common errors a signature check can answer with. */
export type AuthErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'RequestExpired';

/** An auth failure as the protocol edge will send it: AWS's code, status and message. */
export interface AuthFailure {
  readonly ok: false;
  readonly code: AuthErrorCode;
  readonly status: 400 | 403;
  readonly message: string;
}

/** Statuses from the AWS "Common Errors" API reference for SQS. */
const STATUS: Record<AuthErrorCode, 400 | 403> = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  RequestExpired: 400,
};

/** An {@link AuthFailure} with the status AWS gives `code`. */
export function fail(code: AuthErrorCode, message: string): AuthFailure {
  return { ok: false, code, status: STATUS[code], message };
}

/** MissingAuthenticationToken's message in the AWS Common Errors reference. */
export const MISSING_TOKEN =
  'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.';
/** What AWS answers for an access key it does not know. */
export const UNKNOWN_KEY = 'The security token included in the request is invalid.';
/** What AWS answers when the recomputed signature differs. */
export const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

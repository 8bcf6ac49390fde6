/**
 * The two ways a pattern is refused. Each carries the service's `reason` text; the message is what the
 * service itself would put on the wire around it.
 */

/** What Lambda answers (as `InvalidParameterValueException`) for any filter pattern it cannot use. */
export const LAMBDA_INVALID_FILTER_MESSAGE = 'Invalid filter pattern definition.';

/**
 * A Lambda event-source-mapping filter that cannot be compiled. `message` spells the fault the way
 * EventBridge does (`Event pattern is not valid. Reason: ...`); Lambda itself only ever answers
 * {@link LAMBDA_INVALID_FILTER_MESSAGE}, so a caller on the Lambda wire should send that instead.
 */
export class FilterPatternError extends Error {
  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'FilterPatternError';
  }
}

/**
 * An SNS filter policy that cannot be used. `message` is SNS's `InvalidParameter` message for
 * SetSubscriptionAttributes (`Invalid parameter: FilterPolicy: <reason>`); {@link subscribeMessage} is the
 * one Subscribe gives, which names the `Attributes` parameter first.
 */
export class FilterPolicyError extends Error {
  /** The SNS error code every filter-policy fault carries. */
  readonly code = 'InvalidParameter';

  /**
   * @param reason SNS's reason text, e.g. `Filter policy is too complex`
   * @param attribute the subscription attribute SNS names before the reason, or null when it names none
   */
  constructor(
    readonly reason: string,
    readonly attribute: 'FilterPolicy' | 'FilterPolicyScope' | null = 'FilterPolicy',
  ) {
    super(`Invalid parameter: ${attribute ? `${attribute}: ` : ''}${reason}`);
    this.name = 'FilterPolicyError';
  }

  /** The message when the policy came in Subscribe's `Attributes`. */
  get subscribeMessage(): string {
    return `Invalid parameter: Attributes Reason: ${this.attribute ? `${this.attribute}: ` : ''}${this.reason}`;
  }
}

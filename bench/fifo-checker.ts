/** A FIFO message as the checker sees it: its group and the sequence number the service gave it. */
export interface FifoDelivery {
  readonly messageId: string;
  readonly groupId: string;
  readonly sequenceNumber: string;
}

/** What the checker found over one run (warm-up, window and drain). */
export interface FifoChecks {
  /** Messages whose send returned a sequence number. */
  readonly sent: number;
  /** Messages returned by receives, redeliveries included. */
  readonly delivered: number;
  /** Deliveries of a message received before and not yet deleted: allowed (its visibility timeout ran out). */
  readonly redeliveries: number;
  /**
   * Broken order, any of: a producer's sends to one group got sequence numbers that do not increase; a receive
   * returned a group's messages out of sequence order, a deleted message again, a message older than one
   * already received (and not a redelivery), or a sequence number other than its send's; a message was never
   * delivered although a later one of its group was.
   */
  readonly orderViolations: number;
  /** A receive returned messages of a group that another consumer certainly held (its delete not yet sent). */
  readonly groupLockViolations: number;
  /**
   * A receive returned a group whose previous holder had sent its delete but not yet seen the answer. Not a
   * violation: the delete may well have released the group on the server first. Shows the check had chances.
   */
  readonly handoversDuringDelete: number;
  /** The first few violations, described. */
  readonly examples: readonly string[];
}

/** Who holds a group, as far as the client can tell: the receive that returned it, and whether it sent its delete. */
interface Hold {
  readonly receive: number;
  deleting: boolean;
}

interface GroupState {
  /** Highest sequence number whose delete succeeded. */
  lastDeleted: bigint;
  /** Highest sequence number received. */
  lastReceived: bigint;
  /** Received and not yet deleted. */
  readonly outstanding: Set<bigint>;
  /** Every sequence number received. */
  readonly received: Set<bigint>;
  /** Sequence numbers the sends returned. */
  readonly sent: bigint[];
  hold: Hold | undefined;
}

/** A delivery as the consumer keeps it until its delete: `receive` names the receive that returned it. */
export interface HeldDelivery extends FifoDelivery {
  readonly receive: number;
}

const MAX_EXAMPLES = 5;

/**
 * Checks FIFO delivery as a client can see it, in the load driver's single event loop. A group is held from
 * the moment a receive returning it comes back until its holder sends the delete: a shorter span than the
 * server's lock, so that reply ordering on the client can never fake a violation. Consumers in the bench
 * delete everything they receive before receiving again, so a group held when a receive returns it is
 * held by another consumer.
 */
export class FifoChecker {
  private readonly groups = new Map<string, GroupState>();
  private readonly sequenceOfMessage = new Map<string, bigint>();
  private readonly lastSentByProducer = new Map<string, bigint>();
  private readonly delivered: FifoDelivery[] = [];
  private readonly examples: string[] = [];
  private sent = 0;
  private redeliveries = 0;
  private orderViolations = 0;
  private groupLockViolations = 0;
  private handoversDuringDelete = 0;
  private receives = 0;

  /** One send call's messages, in the order the call listed them. */
  sentBy(producer: number, messages: readonly FifoDelivery[]): void {
    for (const m of messages) {
      const seq = BigInt(m.sequenceNumber);
      this.sent++;
      this.sequenceOfMessage.set(m.messageId, seq);
      this.group(m.groupId).sent.push(seq);
      const key = `${producer} ${m.groupId}`;
      const previous = this.lastSentByProducer.get(key);
      if (previous !== undefined && seq <= previous) {
        this.order(`producer ${producer}, group ${m.groupId}: sent ${seq} after ${previous}`);
      }
      this.lastSentByProducer.set(key, seq);
    }
  }

  /** One receive's messages, in the order it returned them; the consumer passes them to the delete calls. */
  received<M extends FifoDelivery>(messages: readonly M[]): (M & HeldDelivery)[] {
    const receive = ++this.receives;
    const seen = new Map<string, bigint>();
    for (const m of messages) {
      const seq = BigInt(m.sequenceNumber);
      const group = this.group(m.groupId);
      this.delivered.push(m);
      const before = seen.get(m.groupId);
      if (before === undefined) this.lock(m.groupId, group, receive);
      else if (seq <= before) this.order(`group ${m.groupId}: one receive returned ${seq} after ${before}`);
      seen.set(m.groupId, seq);
      if (seq <= group.lastDeleted) {
        this.order(`group ${m.groupId}: received ${seq}, at or before ${group.lastDeleted}, already deleted`);
      } else if (group.outstanding.has(seq)) {
        this.redeliveries++;
      } else if (seq < group.lastReceived) {
        this.order(`group ${m.groupId}: received ${seq} after ${group.lastReceived}`);
      }
      group.outstanding.add(seq);
      group.received.add(seq);
      if (seq > group.lastReceived) group.lastReceived = seq;
    }
    return messages.map((m) => ({ ...m, receive }));
  }

  /** Called as the delete is sent: from here the server may release the groups at any moment. */
  deleteSent(messages: readonly HeldDelivery[]): void {
    for (const m of messages) {
      const { hold } = this.group(m.groupId);
      if (hold?.receive === m.receive) hold.deleting = true;
    }
  }

  /** The delete succeeded. */
  deleted(messages: readonly HeldDelivery[]): void {
    for (const m of messages) {
      const group = this.group(m.groupId);
      const seq = BigInt(m.sequenceNumber);
      group.outstanding.delete(seq);
      if (seq > group.lastDeleted) group.lastDeleted = seq;
      if (group.hold?.receive === m.receive) group.hold = undefined;
    }
  }

  /**
   * The checks that need the whole run: every delivery carried its send's sequence number, and no message was
   * skipped (a message never delivered while a later one of its group was). Call once the consumers stopped.
   */
  finish(): FifoChecks {
    for (const m of this.delivered) {
      const sent = this.sequenceOfMessage.get(m.messageId);
      if (sent !== undefined && sent !== BigInt(m.sequenceNumber)) {
        this.order(`message ${m.messageId}: sent as ${sent}, received as ${m.sequenceNumber}`);
      }
    }
    for (const [groupId, group] of this.groups) {
      const skipped = group.sent.filter((seq) => seq < group.lastReceived && !group.received.has(seq));
      for (const seq of skipped) {
        this.order(`group ${groupId}: ${seq} never delivered, ${group.lastReceived} was`);
      }
    }
    return {
      sent: this.sent,
      delivered: this.delivered.length,
      redeliveries: this.redeliveries,
      orderViolations: this.orderViolations,
      groupLockViolations: this.groupLockViolations,
      handoversDuringDelete: this.handoversDuringDelete,
      examples: [...this.examples],
    };
  }

  private lock(groupId: string, group: GroupState, receive: number): void {
    if (group.hold && !group.hold.deleting) {
      this.groupLockViolations++;
      this.example(`group ${groupId}: received while receive #${group.hold.receive} held it`);
    } else if (group.hold) {
      this.handoversDuringDelete++;
    }
    group.hold = { receive, deleting: false };
  }

  private order(description: string): void {
    this.orderViolations++;
    this.example(description);
  }

  private example(description: string): void {
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(description);
  }

  private group(groupId: string): GroupState {
    let group = this.groups.get(groupId);
    if (!group) {
      group = {
        lastDeleted: -1n,
        lastReceived: -1n,
        outstanding: new Set(),
        received: new Set(),
        sent: [],
        hold: undefined,
      };
      this.groups.set(groupId, group);
    }
    return group;
  }
}

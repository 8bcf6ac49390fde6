/** DynamoDB capacity consumed, as AWS bills it. */
export interface CapacitySnapshot {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Conditional writes and transactions that DynamoDB refused; AWS bills each one (at least 1 WCU). */
  readonly failedConditionalWrites: number;
  readonly calls: number;
}

/** Adds up ReturnConsumedCapacity over every call the DynamoDB adapter makes. */
export class CapacityMeter {
  private readUnits = 0;
  private writeUnits = 0;
  private failedConditionalWrites = 0;
  private calls = 0;

  addRead(units: number): void {
    this.readUnits += units;
    this.calls += 1;
  }

  addWrite(units: number): void {
    this.writeUnits += units;
    this.calls += 1;
  }

  /** A conditional write whose condition failed: DynamoDB Local reports nothing, AWS bills at least 1 WCU. */
  addFailedConditionalWrite(): void {
    this.failedConditionalWrites += 1;
    this.writeUnits += 1;
    this.calls += 1;
  }

  /**
   * A TransactWriteItems that DynamoDB cancelled: one refused write, billed `units` (its prepare phase, priced
   * by `item-size.ts`). DynamoDB Local reports nothing for it.
   */
  addCancelledTransaction(units: number): void {
    this.failedConditionalWrites += 1;
    this.writeUnits += units;
    this.calls += 1;
  }

  snapshot(): CapacitySnapshot {
    return {
      readUnits: this.readUnits,
      writeUnits: this.writeUnits,
      failedConditionalWrites: this.failedConditionalWrites,
      calls: this.calls,
    };
  }
}

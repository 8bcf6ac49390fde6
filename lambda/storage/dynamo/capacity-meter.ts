/** DynamoDB capacity consumed, as AWS bills it. */
export interface CapacitySnapshot {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Conditional writes that DynamoDB refused; AWS bills each one (at least 1 WCU). */
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

  /** DynamoDB Local reports nothing for a refused conditional write; AWS bills it at least 1 WCU. */
  addFailedConditionalWrite(extraUnits = 0): void {
    this.failedConditionalWrites += 1;
    this.writeUnits += 1 + extraUnits;
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

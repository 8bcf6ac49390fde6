import type { ActionCost } from './cost-per-action.js';
import type { DeadLetterResult } from './dead-letter.js';
import { FILL_GROUP_SIZE, QUEUE_KINDS, type QueueKind } from './dead-letter-queues.js';
import { roundDeep } from './report.js';
import { fixed, row } from './text-table.js';

/**
 * WCU per message that docs/design.md expects ("Dead-letter queues"): a Standard move is three small items at
 * the transaction price (the state item's delete and put, and the check that the dead-letter queue still
 * exists: 6), a FIFO move about 10, a redriven Standard message a content copy and the same transaction
 * (2 + 6). A FIFO message is redriven by the transaction of a FIFO move, so about 10 as well.
 */
export const DESIGN_WCU: Readonly<Record<'move' | 'redrive', Record<QueueKind, number>>> = {
  move: { standard: 6, fifo: 10 },
  redrive: { standard: 8, fifo: 10 },
};

/** The `deadLetter` key of `--json`. */
export function deadLetterJson(result: DeadLetterResult) {
  const byKind = <T>(f: (kind: QueueKind) => T) =>
    Object.fromEntries(QUEUE_KINDS.map((kind) => [kind, f(kind)])) as Record<QueueKind, T>;
  return roundDeep({
    moveRounds: result.moveRounds,
    redriveMessages: result.redriveMessages,
    fifoMessagesPerGroup: FILL_GROUP_SIZE,
    move: byKind((kind) => ({ ...result.move[kind], designWcuPerMove: DESIGN_WCU.move[kind] })),
    redrive: byKind((kind) => ({
      ...result.redrive[kind],
      designWcuPerMessage: DESIGN_WCU.redrive[kind],
    })),
    idleSeconds: result.idleSeconds,
    idlePollingPerSecond: result.idlePollingPerSecond,
  });
}

const MOVE = [-9, -14, 7, 7, 7, 7, 8];
const REDRIVE = [-9, 7, 7, 7, 7, 8, 7, 7, 12];

/** The dead-letter section of the text report. */
export function deadLetterText(result: DeadLetterResult): string[] {
  const lines = [
    '',
    `Dead-letter queues, one call at a time (1 KB bodies; the source has maxReceiveCount 1, VisibilityTimeout 0).`,
    `Move: the receive that moves a message, less an empty receive of the same queue (${result.moveRounds} rounds):`,
    row(['queue', 'receive', 'calls', 'WCU', 'RCU', 'failed', 'design'], MOVE),
  ];
  for (const kind of QUEUE_KINDS) {
    const m = result.move[kind];
    lines.push(
      costRow(kind, 'that moves', m.movingReceive, ''),
      costRow('', 'empty', m.emptyReceive, ''),
      costRow('', '= move', m.move, `~${DESIGN_WCU.move[kind]} WCU`),
    );
  }
  lines.push(
    '',
    `Redrive: a message move task with no rate takes ${result.redriveMessages} messages (FIFO: in groups of ${FILL_GROUP_SIZE}) back to their source;`,
    'units per message from StartMessageMoveTask to COMPLETED, less the ListMessageMoveTasks calls that watched',
    'it and the idle polling:',
    row(['queue', 'calls', 'WCU', 'RCU', 'failed', 'design', 'task s', 'lists', 'back/left'], REDRIVE),
  );
  for (const kind of QUEUE_KINDS) {
    const r = result.redrive[kind];
    const c = r.perMessage;
    lines.push(
      row(
        [
          kind,
          fixed(c.callsPerMessage, 2),
          fixed(c.wcuPerMessage, 2),
          fixed(c.rcuPerMessage, 2),
          fixed(c.failedConditionalWritesPerMessage, 3),
          `~${DESIGN_WCU.redrive[kind]} WCU`,
          fixed(r.seconds, 2),
          String(r.listCalls),
          `${r.inSourceAfter}/${r.inDeadLetterQueueAfter}`,
        ],
        REDRIVE,
      ),
    );
  }
  const idle = result.idlePollingPerSecond;
  const list = result.redrive.standard.listCallCost;
  lines.push(
    `A second server process ran the tasks. Its runner's idle polling, metered for ${fixed(result.idleSeconds, 1)} s: ` +
      `${fixed(idle.calls, 2)} calls, ${fixed(idle.readUnits, 2)} RCU per second.`,
    `One ListMessageMoveTasks: ${fixed(list.calls, 1)} calls, ${fixed(list.readUnits, 1)} RCU. ` +
      'back/left = messages in the source / left in the dead-letter queue after the task.',
  );
  return lines;
}

function costRow(kind: string, label: string, c: ActionCost, design: string): string {
  return row(
    [
      kind,
      label,
      fixed(c.callsPerMessage, 2),
      fixed(c.wcuPerMessage, 2),
      fixed(c.rcuPerMessage, 2),
      fixed(c.failedConditionalWritesPerMessage, 3),
      design,
    ],
    MOVE,
  );
}

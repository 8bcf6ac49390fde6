import type { JSX } from 'preact';
import type { MoveTask } from '../api-types';
import { queueNameOfArn } from '../format';

/** A redrive's progress: moved of to-move, as a bar with its figure and status. */
export function MoveProgress(props: { task: MoveTask; compact?: boolean }): JSX.Element {
  const { task } = props;
  const percent = progressPercent(task);
  const destination =
    task.destinationArn === undefined ? 'their source queues' : queueNameOfArn(task.destinationArn);
  return (
    <div class={props.compact ? 'move-progress compact' : 'move-progress'} data-status={task.status}>
      <div>
        Redrive to {destination}: <strong class="move-percent">{percent}%</strong>{' '}
        <span class="muted">
          ({task.moved} of {task.toMove} moved, {task.status.toLowerCase()})
        </span>
      </div>
      <progress max={100} value={percent} aria-label={`Redrive progress, ${percent}%`} />
      {task.failureReason !== undefined && <div class="error">{task.failureReason}</div>}
    </div>
  );
}

/** Moved of to-move; a completed task moved everything it could, so it reads 100%. */
export function progressPercent(task: MoveTask): number {
  if (task.status === 'COMPLETED') return 100;
  if (task.toMove <= 0) return 0;
  return Math.min(100, Math.floor((task.moved / task.toMove) * 100));
}

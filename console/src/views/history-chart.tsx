import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api';
import type { History } from '../api-types';
import { formatCount } from '../format';
import { usePoll } from '../use-poll';
import { ErrorBox } from './error-box';
import './history-chart.css';

const POLL_MS = 30_000;

interface SeriesSpec {
  readonly label: string;
  readonly key: 'sent' | 'received' | 'deleted' | 'visible' | 'inFlight' | 'delayed';
  readonly color: string;
}

const RATES: readonly SeriesSpec[] = [
  { label: 'Sent', key: 'sent', color: '#3b82f6' },
  { label: 'Received', key: 'received', color: '#f59e0b' },
  { label: 'Deleted', key: 'deleted', color: '#10b981' },
];
const DEPTH: readonly SeriesSpec[] = [
  { label: 'Visible', key: 'visible', color: '#3b82f6' },
  { label: 'In flight', key: 'inFlight', color: '#f59e0b' },
  { label: 'Delayed', key: 'delayed', color: '#a855f7' },
];

/** The last hour of the queue, one sample a minute: message rates and depth, drawn with uPlot. */
export function HistoryCharts(props: { name: string }): JSX.Element {
  const history = usePoll(() => api.history(props.name), props.name, POLL_MS);
  const samples = history.data?.samples ?? [];
  return (
    <section class="panel history" aria-labelledby="history-title">
      <h2 id="history-title">Last hour</h2>
      <ErrorBox error={history.error} />
      {history.data !== undefined && samples.length === 0 && (
        <p class="muted">No samples yet: the service records one each minute while the queue exists.</p>
      )}
      {history.data !== undefined && samples.length > 0 && (
        <div class="charts">
          <Chart title="Messages per minute" history={history.data} series={RATES} />
          <Chart title="Depth" history={history.data} series={DEPTH} />
        </div>
      )}
    </section>
  );
}

function Chart(props: { title: string; history: History; series: readonly SeriesSpec[] }): JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = toColumns(props.history, props.series);
  const last = props.history.samples.at(-1);

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const styles = getComputedStyle(document.documentElement);
    const axisColor = styles.getPropertyValue('--muted').trim() || '#666';
    const gridColor = styles.getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const made = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 200,
        series: [
          {},
          ...props.series.map((spec) => ({
            label: spec.label,
            stroke: spec.color,
            width: 2,
            spanGaps: false,
            // A line needs two samples: a new queue's first minutes show as points.
            points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < 5 },
          })),
        ],
        axes: [axis, axis],
        scales: {
          // Always the last hour, so a new queue's first minutes sit at the right end, not across years.
          x: { time: true, range: (): uPlot.Range.MinMax => [Date.now() / 1000 - 3600, Date.now() / 1000] },
          y: {
            range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max * 1.1)],
          },
        },
        legend: { live: false },
      },
      data,
      element,
    );
    chart.current = made;
    const resize = new ResizeObserver(() =>
      made.setSize({ width: Math.max(280, element.clientWidth), height: 200 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setData(data);
  });

  return (
    <figure class="chart">
      <figcaption>
        {props.title}
        {last !== undefined && (
          <span class="muted">
            {' '}
            — last minute:{' '}
            {props.series
              .map((spec) => `${spec.label.toLowerCase()} ${formatCount(last[spec.key])}`)
              .join(', ')}
          </span>
        )}
      </figcaption>
      <div ref={container} role="img" aria-label={`${props.title}, last hour`} />
    </figure>
  );
}

/** uPlot's columns: every minute from the first sample to the last, null where a minute has no sample. */
function toColumns(history: History, series: readonly SeriesSpec[]): uPlot.AlignedData {
  const stepMs = history.intervalSeconds * 1000;
  const byMinute = new Map(history.samples.map((sample) => [Math.round(sample.atMs / stepMs), sample]));
  const first = history.samples[0];
  const last = history.samples.at(-1);
  const times: number[] = [];
  const columns: (number | null)[][] = series.map(() => []);
  if (first !== undefined && last !== undefined) {
    for (let minute = Math.round(first.atMs / stepMs); minute <= Math.round(last.atMs / stepMs); minute++) {
      const sample = byMinute.get(minute);
      times.push((minute * stepMs) / 1000);
      series.forEach((spec, index) => {
        columns[index]?.push(sample?.[spec.key] ?? null);
      });
    }
  }
  return [times, ...columns];
}

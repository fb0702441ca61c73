import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Draw on the right-hand axis (e.g. latency beside counts). */
  right?: boolean;
}

/**
 * A dense time series drawn by uPlot on a canvas. A canvas says nothing to a screen reader, so the figure carries
 * a caption and the numbers behind it are in the tables of the same page.
 */
export function TimeSeriesChart({
  title,
  times,
  series,
  height = 180,
  rightLabel,
  yLabel = 'requests / min',
}: {
  title: string;
  /** The left axis' unit. */
  yLabel?: string;
  /** Epoch ms. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  rightLabel?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth);
    const options: Options = {
      width,
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, ...(rightLabel ? { right: { auto: true } } : {}) },
      axes: [
        {},
        { label: yLabel, size: 60 },
        ...(rightLabel
          ? [{ scale: 'right', side: 1, label: rightLabel, grid: { show: false }, size: 60 }]
          : []),
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          ...(s.right ? { scale: 'right' } : {}),
        })),
      ],
    };
    const data: AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)];
    const plot = new uPlot(options, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, height, rightLabel, yLabel]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {times.length === 0 ? (
        <p className="muted">No requests seen in this span yet.</p>
      ) : (
        <div
          ref={box}
          role="img"
          aria-label={`${title}: chart of ${series.map((s) => s.label).join(', ')}`}
        />
      )}
    </figure>
  );
}

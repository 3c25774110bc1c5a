/** Keeps the stroke inside the drawing area. */
const INSET = 2;

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The polyline points of a sparkline: values spread evenly from left to right, scaled
 * between zero (or the lowest negative value) at the bottom and the highest at the top.
 */
export function sparklinePoints(
  values: number[],
  width: number,
  height: number,
): string {
  if (values.length === 0) return '';
  const low = Math.min(0, ...values);
  const span = Math.max(...values) - low || 1;
  const drawHeight = height - 2 * INSET;
  const step =
    values.length > 1 ? (width - 2 * INSET) / (values.length - 1) : 0;
  const coordinates = values.map((value, index) => [
    INSET + index * step,
    height - INSET - ((value - low) / span) * drawHeight,
  ]);
  if (values.length === 1) {
    coordinates.push([width - INSET, coordinates[0][1]]);
  }
  return coordinates.map(([x, y]) => `${round(x)},${round(y)}`).join(' ');
}

export interface SparklineProps {
  values: number[];
  /** What the line shows, for screen readers and tooltips. */
  label: string;
  width?: number;
  height?: number;
}

/** A small line chart without axes, drawn in the current text colour. */
export function Sparkline(props: SparklineProps) {
  const { values, label, width = 120, height = 28 } = props;
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <title>{label}</title>
      <polyline
        points={sparklinePoints(values, width, height)}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}

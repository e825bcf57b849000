// Small statistics shared by the benchmarks: medians of repeated runs and rounding for JSON output.

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Two decimals: enough for milliseconds, and stable in JSON. */
export const round = (x: number): number => Math.round(x * 100) / 100;

/** One figure a benchmark prints: its value, and where there is one, a baseline measured in the same process. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  target?: string;
}

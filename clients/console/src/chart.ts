// The charts, loaded by the first page that draws one: ECharts is most of the console's script, and
// the pages without a chart (attribution, members, forms) open without fetching or parsing it.
import type * as Drawing from "./drawing";

let loading: Promise<typeof Drawing> | null = null;
const drawing = () => (loading ??= import("./drawing"));

export async function lines(...args: Parameters<typeof Drawing.lines>): Promise<void> {
  (await drawing()).lines(...args);
}

export async function bars(...args: Parameters<typeof Drawing.bars>): Promise<void> {
  (await drawing()).bars(...args);
}

export async function heat(...args: Parameters<typeof Drawing.heat>): Promise<void> {
  (await drawing()).heat(...args);
}

// Fetched while the page asks the API for its figures, not after.
export function prepareCharts(): void {
  void drawing();
}

/**
 * How a long-running command shows where it is: on a terminal, one line
 * rewritten in place (\r) with a bar, the percentage and the counts; in a
 * pipe or a log, a plain line each time the state or the count changes.
 */
export interface OutputStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const BAR_WIDTH = 30;

export class Progress {
  private last = '';
  /** Length of the line on screen, to blank what a shorter one leaves. */
  private shown = 0;

  constructor(
    private readonly out: OutputStream,
    private readonly label: string,
  ) {}

  /** `state` (CREATING, IN_PROGRESS, ...) and, when known, `done` of `total` `unit`. */
  update(state: string, done?: number, total?: number, unit = 'items'): void {
    const counts = done === undefined ? '' : total === undefined || total <= 0 ? ` ${done.toLocaleString('en-US')} ${unit}` : ` ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
    const fraction = done !== undefined && total !== undefined && total > 0 ? Math.min(1, done / total) : undefined;
    const percent = fraction === undefined ? '' : ` ${Math.floor(fraction * 100)}%`;
    const plain = `${this.label}: ${state}${counts}${percent}`;
    if (plain === this.last) return;
    this.last = plain;
    if (!this.out.isTTY) {
      this.out.write(`${plain}\n`);
      return;
    }
    const filled = fraction === undefined ? 0 : Math.round(fraction * BAR_WIDTH);
    const bar = fraction === undefined ? '' : ` [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const line = `${this.label}:${bar}${percent}${counts} ${state}`;
    this.out.write(`\r${line}${' '.repeat(Math.max(0, this.shown - line.length))}`);
    this.shown = line.length;
  }

  /** Ends the rewritten line, so what is printed next starts on a line of its own. */
  finish(): void {
    if (this.out.isTTY && this.shown > 0) this.out.write('\n');
    this.shown = 0;
  }
}

/** What a long run shows on stderr: a bar on a TTY, a line every 5 s otherwise (CI logs). */
export class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  private timer: NodeJS.Timeout;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(
    private readonly label: string,
    private total: number,
  ) {
    this.timer = setInterval(() => this.draw(), this.tty ? 200 : 5000);
    if (this.tty) this.draw();
  }
  tick(n = 1) {
    this.done += n;
  }
  grow(n = 1) {
    this.total += n;
  }
  private line() {
    const s = (performance.now() - this.t0) / 1000;
    const rate = s > 0 ? this.done / s : 0;
    return `${this.label} ${this.done}/${this.total} (${rate.toFixed(2)}/s, ${s.toFixed(0)} s)`;
  }
  private draw() {
    if (!this.tty) {
      process.stderr.write(`[bench] ${this.line()}\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((width * this.done) / Math.max(1, this.total));
    process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.line()}`);
  }
  finish() {
    clearInterval(this.timer);
    if (this.tty) {
      this.draw();
      process.stderr.write('\n');
    } else process.stderr.write(`[bench] ${this.line()} done\n`);
  }
}

export const say = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

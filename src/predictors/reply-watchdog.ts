/**
 * Gives up on a worker thread that answers its requests in order but has answered nothing for `timeout`
 * ms while some are open: a reply within `timeout` of the last one (or of the first request) is
 * progress, however many requests are queued. Shared by the assessor's helper thread and the scoring
 * thread, which stop such a worker and redo its work in their own thread.
 */
export class ReplyWatchdog {
  private timer?: ReturnType<typeof setTimeout>;
  private replies = 0;

  /** `open`: whether requests are open; `silent`: called once the worker has been silent too long. */
  constructor(
    readonly timeout: number,
    private readonly open: () => boolean,
    private readonly silent: (why: string) => void,
  ) {}

  /** (Re)arms from now while requests are open; `replied`: a reply was just heard. */
  watch(replied = false): void {
    if (replied) this.replies++;
    this.stop();
    if (!this.open()) return;
    const heard = this.replies;
    this.timer = setTimeout(() => {
      // this thread may have been busy past the timeout with a reply already queued: timers run before
      // the worker's messages are read, the check phase after, so a reply that came is heard first
      setImmediate(() => {
        if (this.replies === heard && this.open()) this.silent(`no reply within ${this.timeout / 1000} s`);
      });
    }, this.timeout);
    this.timer.unref(); // the worker, referenced while requests are open, keeps the process alive
  }

  /** Stops watching (the worker is given up on, or nothing is open). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

// One writer per browser profile: the tab holding this Web Lock runs the worker that has the
// OPFS database (and saves notebooks); any other tab waits, says so, and can take over.
const LOCK = "pipebook-database";
const CHANNEL = "pipebook-database";

type Listener = (held: boolean) => void;

export class DatabaseLock {
  private release?: () => void;
  private readonly channel = new BroadcastChannel(CHANNEL);
  private onRelease?: () => Promise<void>;

  constructor(private readonly listener: Listener) {
    this.channel.onmessage = async (e) => {
      if (e.data?.type === "release" && this.release) {
        // Another tab asked for the database: let go cleanly (the page checkpoints first).
        await this.onRelease?.();
        this.drop();
      }
    };
  }

  /** Called before the lock is given away, to stop the worker and flush the database. */
  beforeRelease(fn: () => Promise<void>): void {
    this.onRelease = fn;
  }

  get held(): boolean {
    return !!this.release;
  }

  private hold(lock: Lock | null): Promise<void> | undefined {
    if (!lock) {
      this.listener(false);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.release = resolve;
      this.listener(true);
    });
  }

  private drop(): void {
    const r = this.release;
    this.release = undefined;
    r?.();
    this.listener(false);
  }

  /** Takes the lock if nobody has it; true when this tab is now the writer. */
  async tryAcquire(): Promise<boolean> {
    if (!navigator.locks) {
      // Without Web Locks there is no safe coordination; behave as the only tab.
      this.release = () => undefined;
      this.listener(true);
      return true;
    }
    let granted!: (v: boolean) => void;
    const result = new Promise<boolean>((r) => (granted = r));
    navigator.locks
      .request(LOCK, { ifAvailable: true }, (lock) => {
        granted(!!lock);
        return this.hold(lock);
      })
      .catch(() => this.lost());
    return result;
  }

  /** Asks the current writer to let go, then waits for the lock; steals it if the writer is stuck. */
  async takeOver(timeoutMs = 4000): Promise<void> {
    let granted!: () => void;
    const got = new Promise<void>((r) => (granted = r));
    const controller = new AbortController();
    navigator.locks
      .request(LOCK, { signal: controller.signal }, (lock) => {
        granted();
        return this.hold(lock);
      })
      .catch(() => this.lost());
    this.channel.postMessage({ type: "release" });
    const timer = setTimeout(() => {
      controller.abort();
      // A tab that never answers (frozen by a runaway cell) loses the lock by force.
      navigator.locks
        .request(LOCK, { steal: true }, (lock) => {
          granted();
          return this.hold(lock);
        })
        .catch(() => this.lost());
    }, timeoutMs);
    await got;
    clearTimeout(timer);
  }

  private lost(): void {
    // Our lock was stolen: the request promise rejects.
    if (this.release) {
      this.release = undefined;
      this.listener(false);
    }
  }
}

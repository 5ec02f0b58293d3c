/**
 * The build clock of the sandbox: virtual milliseconds that run at `speed` × real time (1 = real time, 0 = frozen)
 * and jump with `advance(ms)`. Build progress is computed from it on demand, so no timers run in the server.
 */
export interface SandboxClock {
  /** Virtual now (epoch ms). */
  now(): number;
  /** Moves virtual time forward. */
  advance(ms: number): void;
  /** 1 = real time, 0 = frozen (only `advance` moves it), 10 = ten times faster. */
  setSpeed(speed: number): void;
  readonly speed: number;
  /** Calls `listener` after every `advance`, `setSpeed` and `reset` (the hook service pushes new lines then); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export class VirtualClock implements SandboxClock {
  private virtualBase = Date.now();
  private realBase = Date.now();
  private currentSpeed: number;
  private readonly listeners = new Set<() => void>();

  constructor(speed: number) {
    this.currentSpeed = Math.max(0, speed);
  }

  get speed(): number {
    return this.currentSpeed;
  }

  now(): number {
    return this.virtualBase + (Date.now() - this.realBase) * this.currentSpeed;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError('advance(ms) takes a finite number ≥ 0');
    }
    this.virtualBase += ms;
    this.changed();
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed < 0) {
      throw new RangeError('speed must be a finite number ≥ 0');
    }
    this.virtualBase = this.now();
    this.realBase = Date.now();
    this.currentSpeed = speed;
    this.changed();
  }

  /** Back to real now at the given speed. */
  reset(speed: number): void {
    this.virtualBase = Date.now();
    this.realBase = Date.now();
    this.currentSpeed = Math.max(0, speed);
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.listeners]) {
      l();
    }
  }
}

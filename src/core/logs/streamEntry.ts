/** What the window's build-log stream keeps for each followed build (logStream.ts). */
import { StreamAligner } from './streamAligner';
import type { BuildLogMessage } from '../../api/hookApi';

/** A followed build's log, as the stream writes into it. */
export interface StreamTarget {
  /** Runs `fn` with the bytes shown and appends what it returns; one at a time with the target's polled reads. */
  append(fn: (shown: number) => string): Promise<void>;
  /** Whether the build is now followed over the stream; when not, its log is polled from what is shown. */
  mode(streamed: boolean): void;
}

type EntryState = 'waiting' | 'subscribed' | 'streamed' | 'polled' | 'ended';

export interface Entry {
  readonly ids: readonly string[];
  readonly target: StreamTarget;
  readonly aligner: StreamAligner;
  state: EntryState;
  /** What the log said last about this build ('' = nothing yet). */
  told: string;
  /** The stream's appends, one at a time; `pending`: the messages the next one applies, all together. */
  chain: Promise<void>;
  pending: BuildLogMessage[];
  hole: unknown;
  /** What the target was told last: followed over the stream. */
  streamed: boolean;
  /** Subscribed again after the stream could not continue its log (a few times at most). */
  retries: number;
}

/** A build's entry when it is first followed: waiting for the connection, nothing told yet. */
export function newEntry(ids: readonly string[], target: StreamTarget, now: () => number): Entry {
  return {
    ids,
    target,
    aligner: new StreamAligner(now),
    state: 'waiting',
    told: '',
    chain: Promise.resolve(),
    pending: [],
    hole: undefined,
    streamed: false,
    retries: 0,
  };
}

/**
 * The shape every error describer returns (src/ui/errors/*): the operation a message is worded for, the described
 * error itself, and the two constructors `err()` and `warn()` the describers build it with.
 */
export type Operation =
  | 'signInPat'
  | 'signInApiKey'
  | 'signInToken'
  | 'switch'
  | 'signOut'
  | 'load'
  | 'startBuild'
  | 'cancelBuild'
  | 'download'
  /** A binary to Testing Distribution or the Enterprise App Store (a build's artifacts read first: worded as 'download'). */
  | 'upload'
  | 'other';

export interface DescribedError {
  message: string;
  /** Offer a Sign In button. */
  signIn: boolean;
  severity: 'error' | 'warning';
}

/** Something failed: an error notification. */
export function err(message: string, signIn = false): DescribedError {
  return { message, signIn, severity: 'error' };
}

/** Nothing is broken, but the action did not happen (or its result was dropped): a warning notification. */
export function warn(message: string, signIn = false): DescribedError {
  return { message, signIn, severity: 'warning' };
}

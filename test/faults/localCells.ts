/**
 * Fault-matrix cells that make no network request (hostile `.git` contents, hostile logs, server strings carrying
 * link and icon syntax): each group lives in its own module and is listed in `localGroups.ts`; `runFaults.ts` runs every cell
 * after the network grid, prints them in the same table, and counts them in the same totals.
 *
 * A cell throws (an `Error` whose message says what was wrong) when its expectation does not hold.
 */
export interface LocalCell {
  /** The row group it is printed under, e.g. "hostile .git". */
  group: string;
  /** The row label, e.g. "HEAD → /dev/zero". */
  label: string;
  /** The column: which operation it exercises, e.g. "GIT", "LOGP" (log parse), "NTFY" (notification text). */
  op: string;
  run(): Promise<void>;
}

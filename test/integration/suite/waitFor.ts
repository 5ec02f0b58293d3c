/** The suite's one condition wait: polls until `fn` gives a value (not undefined or false), or fails after `ms`. */
export async function waitFor<T>(
  fn: () => PromiseLike<T | undefined | false> | T | undefined | false,
  what = 'a condition',
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What an agent's words name: a build profile, branch, workflow or configuration given by id or by name, as a model
 * writes it ("Acme iOS", "acme ios", the id from an earlier tool result). No vscode, no I/O; linear in the list.
 */

/** Exactly one item, none (with some of the names there are), or several (the names that matched). */
export type NameMatch<T> = { kind: 'one'; value: T } | { kind: 'none'; known: string[] } | { kind: 'ambiguous'; names: string[] };

/** How many names a "none" or "ambiguous" answer lists at most. */
export const MAX_LISTED_NAMES = 20;
/** Longer input is no name of anything here: it is not compared at all. */
export const MAX_WANTED_LENGTH = 300;

const fold = (s: string) => s.trim().toLocaleLowerCase();

/**
 * The id first, then the exact name, then the name without case and surrounding space. Several items with the
 * matched name are ambiguous: the caller asks for the id instead of guessing.
 */
export function matchByNameOrId<T extends { id: string; name: string }>(items: readonly T[], wanted: string): NameMatch<T> {
  const w = wanted.trim();
  if (w && w.length <= MAX_WANTED_LENGTH) {
    const byId = items.find((i) => i.id === w);
    if (byId) {
      return { kind: 'one', value: byId };
    }
    for (const same of [(i: T) => i.name === w, (i: T) => fold(i.name) === fold(w)]) {
      const hits = items.filter(same);
      if (hits.length === 1) {
        return { kind: 'one', value: hits[0] };
      }
      if (hits.length > 1) {
        return { kind: 'ambiguous', names: hits.slice(0, MAX_LISTED_NAMES).map((h) => `${h.name} (${h.id})`) };
      }
    }
  }
  return { kind: 'none', known: items.slice(0, MAX_LISTED_NAMES).map((i) => i.name) };
}

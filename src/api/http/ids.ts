/** Ids that go into request paths and queries (N12). No HTTP here: the startup bundle loads it (organizationsApi). */
import { ApiError } from './errors';

/** What an Appcircle id may look like (GUIDs, and the short ids of tests and older data): no `.`, `/`, `%` or space. */
const ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An id checked before it goes into a request (N12): `..`, `.`, `../x`, `%2e%2e`, an empty or oversized value, or
 * anything but letters, digits, `_` and `-`, is ApiError('invalidId') and no request is sent. Returns the id,
 * which needs no encoding.
 */
export function checkId(id: unknown, method: 'GET' | 'POST' | 'PATCH', route: string): string {
  if (typeof id !== 'string' || !ID_SHAPE.test(id)) {
    throw new ApiError({ kind: 'invalidId', method, path: route });
  }
  return id;
}

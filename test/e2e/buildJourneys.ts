/** Build journeys (issue 3) — filled in with the build views. */
import type { Journey } from './journeys';

export const buildJourneys: Journey[] = [];

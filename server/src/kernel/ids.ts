import { randomBytes } from 'node:crypto';

// Ids are opaque text with a readable prefix (grp_, act_, …). Random, not
// time-based: business time comes from the Clock, never from an id.
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** A url-safe random secret, e.g. an API token. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

let sequence = 0;

/**
 * An id that sorts by `now` and then by creation order within this process,
 * so rows made in the same (virtual) millisecond keep their order (FIFO sends).
 */
export function newSortableId(prefix: string, now: number): string {
  sequence = (sequence + 1) % 36 ** 5;
  const time = Math.max(0, Math.floor(now)).toString(36).padStart(9, '0');
  return `${prefix}_${time}${sequence.toString(36).padStart(5, '0')}${randomBytes(4).toString('base64url').replace(/[-_]/g, 'x')}`;
}

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

import { randomBytes } from 'crypto';

// Meteor's Random.id() alphabet: no look-alike characters.
const UNMISTAKABLE = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';

/** A 17-character id in the style of Meteor's subscription ids. */
export function randomId(length = 17): string {
  const bytes = randomBytes(length);
  let id = '';
  for (let i = 0; i < length; i++) id += UNMISTAKABLE[bytes[i] % UNMISTAKABLE.length];
  return id;
}

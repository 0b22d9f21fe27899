import { createHash } from 'crypto';
import type { LoginResult, LoginUser, PasswordLogin } from './types';

/** The `login` params of Meteor's accounts-password: the password leaves only as its SHA-256 digest. */
export function passwordLoginParams(login: PasswordLogin): { user: LoginUser; password: { digest: string; algorithm: 'sha-256' } } {
  const given = (['username', 'email', 'id'] as const).filter((k) => typeof login[k] === 'string' && login[k] !== '');
  if (given.length !== 1) throw new TypeError('login needs exactly one of username, email or id');
  if (typeof login.password !== 'string') throw new TypeError('login needs a password');
  const key = given[0];
  const user = { [key]: login[key] as string } as LoginUser;
  const digest = createHash('sha256').update(login.password, 'utf8').digest('hex');
  return { user, password: { digest, algorithm: 'sha-256' } };
}

/** Validates the result of a `login` call. */
export function toLoginResult(result: unknown): LoginResult {
  const r = result as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.token !== 'string') {
    throw new TypeError('The server answered login without a user id and token');
  }
  const expires = r.tokenExpires;
  return {
    id: r.id,
    token: r.token,
    tokenExpires: expires instanceof Date ? expires : typeof expires === 'number' ? new Date(expires) : undefined,
    type: typeof r.type === 'string' ? r.type : undefined,
  };
}

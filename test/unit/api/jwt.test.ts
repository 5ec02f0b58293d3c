import * as assert from 'node:assert/strict';
import { decodeJwt } from '../../../src/api/dto';

const jwtWith = (payload: string) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(payload).toString('base64url')}.sig`;

describe('api/dto decodeJwt', () => {
  it('an exp or iat that JSON reads as Infinity (1e999) is no exp or iat', () => {
    const c = decodeJwt(jwtWith('{"sub":"u","exp":1e999,"iat":-1e999}'));
    assert.equal(c.exp, undefined);
    assert.equal(c.iat, undefined);
    assert.equal(c.sub, 'u');
    assert.equal(decodeJwt(jwtWith('{"exp":1700000000}')).exp, 1700000000);
  });
});

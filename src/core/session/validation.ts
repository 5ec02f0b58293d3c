/** Input checks done before anything leaves the machine (ARCHITECTURE.md §8). */
import type { InputField, ValidationProblem } from '../errors';
import { ValidationError } from '../errors';
import type { Credential } from './models';

export const MAX_INPUT_LENGTH = 4096;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Returns the first problem of a required credential value, or undefined when it is fine. */
export function checkCredentialValue(value: string | undefined): ValidationProblem | undefined {
  if (value === undefined || value.length === 0) {
    return 'empty';
  }
  if (value.trim().length === 0) {
    return 'whitespace';
  }
  if (CONTROL.test(value)) {
    return 'controlCharacters';
  }
  if (value.length > MAX_INPUT_LENGTH) {
    return 'tooLong';
  }
  return undefined;
}

/** Optional organization id: empty is fine, otherwise it must be a GUID. */
export function checkOrganizationId(value: string | undefined): ValidationProblem | undefined {
  const v = (value ?? '').trim();
  if (v.length === 0) {
    return undefined;
  }
  if (CONTROL.test(v)) {
    return 'controlCharacters';
  }
  if (v.length > MAX_INPUT_LENGTH) {
    return 'tooLong';
  }
  return isGuid(v) ? undefined : 'notGuid';
}

export function requireCredentialValue(field: InputField, value: string | undefined): string {
  const problem = checkCredentialValue(value);
  if (problem) {
    throw new ValidationError(field, problem);
  }
  return (value ?? '').trim();
}

export function requireOrganizationId(value: string | undefined): string | undefined {
  const problem = checkOrganizationId(value);
  if (problem) {
    throw new ValidationError('organizationId', problem);
  }
  const v = (value ?? '').trim();
  return v.length ? v.toLowerCase() : undefined;
}

/** The credential with every value checked and trimmed (an API key's organization id lower-cased); throws ValidationError. */
export function normalizeCredential(c: Credential): Credential {
  switch (c.kind) {
    case 'pat':
      return { kind: 'pat', pat: requireCredentialValue('pat', c.pat) };
    case 'apiKey': {
      const organizationId = requireOrganizationId(c.organizationId);
      return {
        kind: 'apiKey',
        name: requireCredentialValue('apiKeyName', c.name),
        secret: requireCredentialValue('apiKeySecret', c.secret),
        ...(organizationId ? { organizationId } : {}),
      };
    }
    case 'accessToken':
      return { kind: 'accessToken', token: requireCredentialValue('accessToken', c.token), source: c.source };
  }
}

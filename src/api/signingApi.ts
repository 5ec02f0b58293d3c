/**
 * Signing identity endpoints S1-S13 of docs/appcircle-api.md §11.4 (read only): iOS P12 certificates, certificate
 * signing requests, Android keystores and provisioning profiles, each list and detail. Lists accept a bare array or
 * `{data:[…]}`. Expiry is `expireDate` on every kind (an ISO date); `storeType` is 0 Appcircle, 1 App Store.
 * Downloads (the CLI streams the same detail URLs; what the server sends there is unclear) are not used.
 */
import type { ApiClient } from './http/httpClient';
import { checkId } from './http/ids';
import { unwrapList } from './dto';

/** `storeType` (CLI constant.ts): where a certificate or profile is kept. */
export const StoreType = { appcircle: 0, appStore: 1 } as const;

/** S1 / S3 */
export interface CertificateDto {
  id: string;
  name?: string | null;
  storeType?: number | null;
  filename?: string | null;
  expireDate?: string | null;
  createDate?: string | null;
  updateDate?: string | null;
}

/** S2 (the CLI reads `id`, `name`; the rest is what a CSR may carry). */
export interface CsrDto {
  id: string;
  name?: string | null;
  email?: string | null;
  expireDate?: string | null;
  createDate?: string | null;
}

/** S7 / S8 */
export interface KeystoreDto {
  id: string;
  name?: string | null;
  fileName?: string | null;
  alias?: string | null;
  expireDate?: string | null;
  createDate?: string | null;
}

/** S12 / S13 */
export interface ProvisioningProfileDto {
  id: string;
  name?: string | null;
  /** The bundle id, such as `io.acme.app`. */
  appId?: string | null;
  storeType?: number | null;
  hasCertificate?: boolean | null;
  expireDate?: string | null;
  createDate?: string | null;
  filename?: string | null;
}

/** An id for a path, checked first (N12): a bad one is ApiError('invalidId') and nothing is sent. */
const id = (value: string, route: string): string => checkId(value, 'GET', route);

export class SigningApi {
  constructor(private readonly client: ApiClient) {}

  /** S1 */
  async certificates(signal?: AbortSignal): Promise<CertificateDto[]> {
    return unwrapList<CertificateDto>(await this.client.get<unknown>('signing-identity/v2/certificates', { signal }));
  }

  /** S3 (JSON detail) */
  async certificate(certificateId: string, signal?: AbortSignal): Promise<CertificateDto> {
    const route = 'signing-identity/v2/certificates/{id}';
    return this.client.get<CertificateDto>(`signing-identity/v2/certificates/${id(certificateId, route)}`, { signal });
  }

  /** S2 (note v1) */
  async csrs(signal?: AbortSignal): Promise<CsrDto[]> {
    return unwrapList<CsrDto>(await this.client.get<unknown>('signing-identity/v1/csr', { signal }));
  }

  /** S3 for a CSR */
  async csr(csrId: string, signal?: AbortSignal): Promise<CsrDto> {
    return this.client.get<CsrDto>(`signing-identity/v1/csr/${id(csrId, 'signing-identity/v1/csr/{id}')}`, { signal });
  }

  /** S7 */
  async keystores(signal?: AbortSignal): Promise<KeystoreDto[]> {
    return unwrapList<KeystoreDto>(await this.client.get<unknown>('signing-identity/v2/keystores', { signal }));
  }

  /** S8 (JSON detail) */
  async keystore(keystoreId: string, signal?: AbortSignal): Promise<KeystoreDto> {
    const route = 'signing-identity/v2/keystores/{id}';
    return this.client.get<KeystoreDto>(`signing-identity/v2/keystores/${id(keystoreId, route)}`, { signal });
  }

  /** S12 */
  async provisioningProfiles(signal?: AbortSignal): Promise<ProvisioningProfileDto[]> {
    return unwrapList<ProvisioningProfileDto>(await this.client.get<unknown>('signing-identity/v2/provisioning-profiles', { signal }));
  }

  /** S13 (JSON detail) */
  async provisioningProfile(profileId: string, signal?: AbortSignal): Promise<ProvisioningProfileDto> {
    const route = 'signing-identity/v2/provisioning-profiles/{id}';
    return this.client.get<ProvisioningProfileDto>(`signing-identity/v2/provisioning-profiles/${id(profileId, route)}`, { signal });
  }
}

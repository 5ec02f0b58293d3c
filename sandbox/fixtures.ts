/**
 * Seed data of the sandbox, shared by unit, integration and e2e tests, benchmarks and the demo.
 * Values follow the shapes of ../shared/appcircle-api.md §2-4.
 */
export const ROOT_ORG_ID = '3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73';
export const QA_ORG_ID = '6fbd094c-18cb-4bcd-bc6f-cf2aee752982';
export const EU_ORG_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

export interface SeedOrganization {
  id: string;
  name: string;
  givenId: string;
  rootOrganizationId?: string;
  createdDate: string;
  memberCount: number;
}

export const ORGANIZATIONS: SeedOrganization[] = [
  { id: ROOT_ORG_ID, name: 'Acme Mobile', givenId: 'acme-mobile', createdDate: '2024-01-15T09:00:00Z', memberCount: 12 },
  { id: QA_ORG_ID, name: 'Acme QA', givenId: 'acme-qa', rootOrganizationId: ROOT_ORG_ID, createdDate: '2024-06-10T12:30:00Z', memberCount: 3 },
  { id: EU_ORG_ID, name: 'Acme Europe', givenId: 'acme-europe', rootOrganizationId: ROOT_ORG_ID, createdDate: '2025-02-01T08:00:00Z', memberCount: 5 },
];

export const USER = {
  id: '6320a79e-d1f0-45d0-a38e-920dc4c30644',
  email: 'dev@acme.test',
  name: 'Dev User',
};

export const DEMO_PAT = 'acpat_demo_7Hq2xV9mK4pL8sT3';

export interface SeedApiKey {
  name: string;
  secret: string;
  organizationId: string;
  /** Organizations the key may mint tokens for (its own and, for a root key, the sub-organizations). */
  reaches: string[];
  id: string;
}

export const API_KEYS: SeedApiKey[] = [
  { name: 'ci-bot', secret: 'acsk_demo_R5nW2yB8cD6fJ1qZ', organizationId: ROOT_ORG_ID, reaches: [ROOT_ORG_ID, QA_ORG_ID, EU_ORG_ID], id: 'a1b2c3d4-0000-4000-8000-00000000c1b0' },
  { name: 'qa-bot', secret: 'acsk_demo_qa_M3vX7kP9tL2w', organizationId: QA_ORG_ID, reaches: [QA_ORG_ID], id: 'a1b2c3d4-0000-4000-8000-0000000000a0' },
];

export const DEMO_API_KEY = API_KEYS[0];
export const QA_API_KEY = API_KEYS[1];

/** The user's PATs and the organizations they reach. */
export const PATS: { pat: string; userId: string; email: string; defaultOrg: string; reaches: string[] }[] = [
  { pat: DEMO_PAT, userId: USER.id, email: USER.email, defaultOrg: ROOT_ORG_ID, reaches: [ROOT_ORG_ID, QA_ORG_ID, EU_ORG_ID] },
];

/**
 * Seed data of the sandbox, shared by unit, integration and e2e tests, benchmarks and the demo
 * (shapes from docs/appcircle-api.md §2-4). The server copies these on start and
 * on `reset()`, so tests may read them but never see them mutated.
 */
import { createHash } from 'node:crypto';

export const ROOT_ORG_ID = '3f5d9a12-7c41-4e8b-9b0d-2a6e4c1f8b73';
export const QA_ORG_ID = '6fbd094c-18cb-4bcd-bc6f-cf2aee752982';
export const EU_ORG_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

export interface SeedOrganization {
  id: string;
  name: string;
  givenId: string;
  /** Present on sub-organizations only (root organizations omit the key, docs/appcircle-api.md §3). */
  rootOrganizationId?: string;
  createdDate: string;
  memberCount: number;
}

export const ORGANIZATIONS: readonly SeedOrganization[] = [
  { id: ROOT_ORG_ID, name: 'Acme Mobile', givenId: 'acme-mobile', createdDate: '2024-01-15T09:00:00Z', memberCount: 12 },
  {
    id: QA_ORG_ID,
    name: 'Acme QA',
    givenId: 'acme-qa',
    rootOrganizationId: ROOT_ORG_ID,
    createdDate: '2024-06-10T12:30:00Z',
    memberCount: 3,
  },
  {
    id: EU_ORG_ID,
    name: 'Acme Europe',
    givenId: 'acme-europe',
    rootOrganizationId: ROOT_ORG_ID,
    createdDate: '2025-02-01T08:00:00Z',
    memberCount: 5,
  },
];

export const USER = {
  id: '6320a79e-d1f0-45d0-a38e-920dc4c30644',
  email: 'dev@acme.test',
  name: 'Dev User',
} as const;

export const DEMO_PAT = 'acpat_demo_7Hq2xV9mK4pL8sT3';

export interface SeedApiKey {
  name: string;
  secret: string;
  organizationId: string;
  /** Organizations the key may mint tokens for (its own and, for a root key, the sub-organizations). */
  reaches: string[];
  /** The token's `sub` for this key. */
  id: string;
}

export const API_KEYS: readonly SeedApiKey[] = [
  {
    name: 'ci-bot',
    secret: 'acsk_demo_R5nW2yB8cD6fJ1qZ',
    organizationId: ROOT_ORG_ID,
    reaches: [ROOT_ORG_ID, QA_ORG_ID, EU_ORG_ID],
    id: 'a1b2c3d4-0000-4000-8000-00000000c1b0',
  },
  {
    name: 'qa-bot',
    secret: 'acsk_demo_qa_M3vX7kP9tL2w',
    organizationId: QA_ORG_ID,
    reaches: [QA_ORG_ID],
    id: 'a1b2c3d4-0000-4000-8000-0000000000a0',
  },
];

/** `ci-bot`: belongs to the root organization and reaches its sub-organizations. */
export const DEMO_API_KEY = API_KEYS[0];
/** `qa-bot`: belongs to Acme QA only (asking for the root organization gives 403). */
export const QA_API_KEY = API_KEYS[1];

export interface SeedPat {
  pat: string;
  userId: string;
  email: string;
  /** The organization a token is minted for when no sub-organization is asked for. */
  defaultOrg: string;
  reaches: string[];
  /** A Personal Access Key made after the rename that only `/auth/v3/token` (`personalAccessKey`) accepts. */
  v3Only?: boolean;
}

/** A Personal Access Key that v1/v2 (`pat=`) refuse and v3 (`personalAccessKey=`) accepts (docs/appcircle-api.md §10). */
export const DEMO_PAK_V3_ONLY = 'acpak_demo_v3_N8rT5wQ2zX7c';

/** The user's PATs and the organizations they reach. */
export const PATS: readonly SeedPat[] = [
  { pat: DEMO_PAT, userId: USER.id, email: USER.email, defaultOrg: ROOT_ORG_ID, reaches: [ROOT_ORG_ID, QA_ORG_ID, EU_ORG_ID] },
  {
    pat: DEMO_PAK_V3_ONLY,
    userId: USER.id,
    email: USER.email,
    defaultOrg: ROOT_ORG_ID,
    reaches: [ROOT_ORG_ID, QA_ORG_ID, EU_ORG_ID],
    v3Only: true,
  },
];

export interface SeedMember {
  id: string;
  email: string;
  fullName: string;
  /** Direct memberships with their roles. */
  memberships: { organizationId: string; roles: string[] }[];
}

/** Organization members (`GET …/{org}/users`, `…/users/{id}/roles`). Jonas is a member of Acme QA only. */
export const MEMBERS: readonly SeedMember[] = [
  {
    id: USER.id,
    email: USER.email,
    fullName: USER.name,
    memberships: [
      { organizationId: ROOT_ORG_ID, roles: ['owner'] },
      { organizationId: QA_ORG_ID, roles: ['owner'] },
      { organizationId: EU_ORG_ID, roles: ['owner'] },
    ],
  },
  {
    id: '5b0c1d2e-3f40-4a51-8b62-7c83d94ea5f6',
    email: 'ayse@acme.test',
    fullName: 'Ayşe Demir',
    memberships: [{ organizationId: ROOT_ORG_ID, roles: ['build_manager'] }],
  },
  {
    id: '9d8c7b6a-5f4e-4d3c-8b2a-190817263544',
    email: 'jonas@acme.test',
    fullName: 'Jonas Berg',
    memberships: [{ organizationId: QA_ORG_ID, roles: ['build_viewer'] }],
  },
];

/** Pending invitations per organization (`GET …/{org}/invitations`). */
export const INVITATIONS: readonly { organizationId: string; userEmail: string; roles: string[] }[] = [
  { organizationId: ROOT_ORG_ID, userEmail: 'new.hire@acme.test', roles: ['build_viewer'] },
];

/** The role catalogue (`GET roles.json?v=5`). */
export const ROLE_CATALOGUE = [
  {
    module: 'organization',
    title: 'Organization',
    multi: false,
    enabled: true,
    defaultRoles: ['owner'],
    roles: [
      { key: 'owner', name: 'Owner' },
      { key: 'admin', name: 'Admin' },
    ],
  },
  {
    module: 'build',
    groupName: 'Build',
    title: 'Build',
    multi: true,
    enabled: true,
    defaultRoles: ['build_viewer'],
    roles: [
      { key: 'build_manager', name: 'Manager' },
      { key: 'build_viewer', name: 'Viewer' },
    ],
  },
  {
    module: 'distribution',
    groupName: 'Distribution',
    title: 'Testing Distribution',
    multi: true,
    enabled: true,
    defaultRoles: [],
    roles: [
      { key: 'distribution_manager', name: 'Manager' },
      { key: 'distribution_viewer', name: 'Viewer' },
    ],
  },
] as const;

// ---- builds (docs/appcircle-api.md §4) ----------------------------------------------------------------

/** Stable GUIDs from names, so ids survive restarts (tree expansion, e2e screenshots). */
export function stableGuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SeedProfile {
  orgId: string;
  name: string;
  /** 1 iOS, 2 Android. */
  os: 1 | 2;
  /** 1 Swift/ObjC, 2 Java/Kotlin, 4 React Native, 6 Flutter. */
  buildPlatformType: number;
  repositoryName: string;
  pinned: boolean;
  /** The first branch gets `buildsPerBranch` builds, each next one two fewer. */
  branches: string[];
  buildsPerBranch: number;
  /** Branches without any build ("No previous builds"). */
  emptyBranches?: string[];
}

/** The profile whose repository matches this repository's git remote (`git@github.com:appcircle/appcircle-vscode.git`). */
export const REPO_NAME = 'appcircle/appcircle-vscode';

/** Build profiles per organization. Acme Europe has none on purpose (the "no profiles" state). */
export const PROFILES: readonly SeedProfile[] = [
  {
    orgId: ROOT_ORG_ID,
    name: 'Acme iOS',
    os: 1,
    buildPlatformType: 1,
    repositoryName: 'acme/ios-app',
    pinned: true,
    branches: ['main', 'develop', 'release/1.2', 'feature/login'],
    buildsPerBranch: 12,
  },
  {
    orgId: ROOT_ORG_ID,
    name: 'Acme Android',
    os: 2,
    buildPlatformType: 2,
    repositoryName: 'acme/android-app',
    pinned: false,
    branches: ['main', 'develop', 'feature/dark-mode'],
    buildsPerBranch: 8,
    emptyBranches: ['spike/compose'],
  },
  {
    orgId: ROOT_ORG_ID,
    name: 'Appcircle VS Code Demo',
    os: 2,
    buildPlatformType: 2,
    repositoryName: REPO_NAME,
    pinned: false,
    branches: ['main', 'develop'],
    buildsPerBranch: 6,
  },
  {
    orgId: QA_ORG_ID,
    name: 'QA Regression iOS',
    os: 1,
    buildPlatformType: 1,
    repositoryName: 'acme/ios-app',
    pinned: false,
    branches: ['main', 'qa/nightly'],
    buildsPerBranch: 5,
  },
  {
    orgId: QA_ORG_ID,
    name: 'QA Android Smoke',
    os: 2,
    buildPlatformType: 2,
    repositoryName: 'acme/android-app',
    pinned: true,
    branches: ['main'],
    buildsPerBranch: 4,
  },
];

export const WORKFLOW_NAMES = ['Default Push Workflow', 'Release Workflow'] as const;
export const CONFIGURATION_NAMES = ['Default Configuration', 'Staging'] as const;

export const COMMIT_MESSAGES: readonly string[] = [
  'Fix login crash on iOS 18',
  'Add dark mode to settings screen',
  'Bump Gradle plugin to 8.7',
  'Refactor payment flow\n\nSplit the checkout view model.',
  'Update fastlane match certificates',
  'Improve cold start time by 200 ms',
  'Localize onboarding (de, fr, tr)',
  'Fix flaky UI test on Pixel 8',
];
export const COMMIT_AUTHORS: readonly string[] = ['Dev User', 'Ayşe Demir', 'Jonas Berg', 'Priya Nair'];

/** Outcomes of seeded builds, cycled newest first: every terminal BuildStatus incl. success with warnings. */
export const SEED_BUILD_OUTCOMES: readonly { status: 0 | 1 | 2 | 3; hasWarning: boolean }[] = [
  { status: 0, hasWarning: false },
  { status: 1, hasWarning: false },
  { status: 0, hasWarning: true },
  { status: 2, hasWarning: false },
  { status: 0, hasWarning: false },
  { status: 3, hasWarning: false },
  { status: 0, hasWarning: false },
  { status: 1, hasWarning: false },
];

/** Variable groups per organization (`GET build/v1/variable-groups`, `…/{id}/variables`). */
export const VARIABLE_GROUPS: readonly { orgId: string; name: string; variables: { key: string; value: string; isSecret: boolean }[] }[] = [
  {
    orgId: ROOT_ORG_ID,
    name: 'Shared Secrets',
    variables: [
      { key: 'API_BASE_URL', value: 'https://api.acme.test', isSecret: false },
      { key: 'SIGNING_PASSWORD', value: '', isSecret: true },
    ],
  },
  { orgId: QA_ORG_ID, name: 'QA Settings', variables: [{ key: 'QA_ENV', value: 'staging', isSecret: false }] },
];

/** The all-zero GUID B8 shows as `buildId` until the build record exists (docs/appcircle-api.md §4.2). */
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

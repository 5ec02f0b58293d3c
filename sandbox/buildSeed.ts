/**
 * The build data of the sandbox (docs/appcircle-api.md §4): the shapes of profiles, branches, commits and builds,
 * and their seed per organization from fixtures.ts. Seeded ids are stable (`stableGuid` of names), so tests can
 * name them; dates count back from the seed time. Started builds (buildQueue.ts) reuse these shapes.
 */
import { createHash } from 'node:crypto';
import {
  COMMIT_AUTHORS,
  COMMIT_MESSAGES,
  CONFIGURATION_NAMES,
  PROFILES,
  ROOT_ORG_ID,
  SEED_BUILD_OUTCOMES,
  VARIABLE_GROUPS,
  WORKFLOW_NAMES,
  stableGuid,
} from './fixtures';
import type { SeedProfile } from './fixtures';

/** Benchmarks: many profiles and a branch with many builds in the root organization. */
export interface LargeSeed {
  profiles?: number;
  buildsOnBranch?: number;
}

/** Phase lengths (virtual ms) and log length of builds started from now on. */
export interface BuildTimings {
  waitMs: number;
  runMs: number;
  completeMs: number;
  logLines: number;
}

export interface SBuild {
  id: string;
  commitId: string;
  hash: string;
  status: number;
  hasWarning: boolean;
  startDate: string;
  endDate?: string;
  duration?: string;
  isDistributable: boolean;
  workflowId: string;
  workflowName: string;
  configurationId: string;
  configurationName: string;
  branchId: string;
  profileId: string;
  /** Set for builds started through the API (the living queue). */
  live?: LiveBuild;
}

export interface LiveBuild {
  queueId: string;
  taskId: string;
  /** Virtual ms. */
  startedAt: number;
  /** Phase lengths and log length fixed when the build started. */
  timings: BuildTimings;
  outcome: { status: number; hasWarning: boolean };
  canceledAt?: number;
  userId: string;
  userEmail: string;
  orgId: string;
}

export interface SCommit {
  id: string;
  hash: string;
  commitDate: string;
  author: string;
  message: string;
  branchId: string;
}

export interface SBranch {
  id: string;
  name: string;
  /** Newest first. */
  commits: SCommit[];
  /** Newest first. */
  builds: SBuild[];
}

export interface SProfile {
  id: string;
  name: string;
  pinned: boolean;
  os: number;
  buildPlatformType: number;
  repositoryName: string;
  orgId: string;
  branches: SBranch[];
  workflows: { id: string; workflowName: string; lastUsedTime: string }[];
  configurations: { item1: { id: string; configurationName: string; updateDate: string }; item2: number }[];
}

export interface VariableGroup {
  id: string;
  orgId: string;
  name: string;
  variables: { key: string; value: string; isSecret: boolean }[];
}

/** Terminal BuildStatus codes (docs/appcircle-api.md §4.4). */
export const TERMINAL = [0, 1, 2, 3];

/** A duration as Appcircle writes it: `hh:mm:ss`. */
export function hms(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

/** The seeded profiles of every organization (fixtures.ts), then the bulk ones of `large`; `seedTime` is "now". */
export function seedProfiles(large: LargeSeed | undefined, seedTime: number): SProfile[] {
  const profiles = PROFILES.map((sp) => makeProfile(sp, seedTime));
  if (large) {
    const bulk = (name: string, os: 1 | 2, repositoryName: string, buildsPerBranch: number): SeedProfile => ({
      orgId: ROOT_ORG_ID,
      name,
      os,
      buildPlatformType: os,
      repositoryName,
      pinned: false,
      branches: ['main'],
      buildsPerBranch,
    });
    for (let i = 0; i < (large.profiles ?? 0); i++) {
      const os = ((i % 2) + 1) as 1 | 2;
      profiles.push(makeProfile(bulk(`Bulk Profile ${String(i).padStart(4, '0')}`, os, `bulk/app-${i}`, 1), seedTime));
    }
    if ((large.buildsOnBranch ?? 0) > 0) {
      profiles.push(makeProfile(bulk('Bulk History', 1, 'bulk/history', large.buildsOnBranch ?? 0), seedTime));
    }
  }
  return profiles;
}

/** The seeded variable groups (fixtures.ts), each a fresh copy. */
export function seedVariableGroups(): VariableGroup[] {
  return VARIABLE_GROUPS.map((g) => ({
    id: stableGuid(`vg:${g.orgId}:${g.name}`),
    orgId: g.orgId,
    name: g.name,
    variables: g.variables.map((v) => ({ ...v })),
  }));
}

function hash40(seed: string): string {
  return createHash('sha1').update(`commit:${seed}`).digest('hex');
}

function makeProfile(sp: SeedProfile, seedTime: number): SProfile {
  const id = stableGuid(`profile:${sp.orgId}:${sp.name}`);
  const p: SProfile = {
    id,
    name: sp.name,
    pinned: sp.pinned,
    os: sp.os,
    buildPlatformType: sp.buildPlatformType,
    repositoryName: sp.repositoryName,
    orgId: sp.orgId,
    branches: [],
    workflows: WORKFLOW_NAMES.map((w, i) => ({
      id: stableGuid(`wf:${id}:${i === 0 ? 'default' : 'release'}`),
      workflowName: w,
      lastUsedTime: new Date(seedTime - (i === 0 ? 3600_000 : 86400_000)).toISOString(),
    })),
    configurations: CONFIGURATION_NAMES.map((c, i) => ({
      item1: { id: stableGuid(`cfg:${id}:${i === 0 ? 'default' : 'staging'}`), configurationName: c, updateDate: '2025-08-01T00:00:00Z' },
      item2: 0,
    })),
  };
  sp.branches.forEach((bn, bi) => {
    const builds = bi === 0 ? sp.buildsPerBranch : Math.max(0, sp.buildsPerBranch - 2 * bi);
    p.branches.push(makeBranch(p, bn, builds, bi, seedTime));
  });
  (sp.emptyBranches ?? []).forEach((bn, i) => p.branches.push(makeBranch(p, bn, 0, sp.branches.length + i, seedTime)));
  return p;
}

function makeBranch(p: SProfile, name: string, builds: number, salt: number, seedTime: number): SBranch {
  const id = stableGuid(`branch:${p.id}:${name}`);
  const b: SBranch = { id, name, commits: [], builds: [] };
  const commitCount = Math.max(1, Math.min(builds || 1, 50));
  for (let i = 0; i < commitCount; i++) {
    const at = seedTime - (i * 5 + salt + 1) * 3600_000;
    b.commits.push({
      id: stableGuid(`commit:${id}:${i}`),
      hash: hash40(`${id}:${i}`),
      commitDate: new Date(at).toISOString(),
      author: COMMIT_AUTHORS[(i + salt) % COMMIT_AUTHORS.length] ?? 'Dev User',
      message: COMMIT_MESSAGES[(i + salt) % COMMIT_MESSAGES.length] ?? 'Update',
      branchId: id,
    });
  }
  const [wf] = p.workflows;
  const [cfg] = p.configurations;
  // Rebuilds of a commit (i ≥ commitCount) spread between it and the next commit, never after the seed time.
  const perCommit = Math.ceil(builds / b.commits.length);
  const stepMs = ((salt + 1) * 3600_000 - 25 * 60_000) / Math.max(1, perCommit);
  for (let i = 0; i < builds; i++) {
    const commit = b.commits[i % b.commits.length];
    const outcome = SEED_BUILD_OUTCOMES[(i + salt) % SEED_BUILD_OUTCOMES.length] ?? { status: 0, hasWarning: false };
    const startAt = Date.parse(commit.commitDate) + 5 * 60_000 + Math.round(Math.floor(i / b.commits.length) * stepMs);
    const durMs = (6 + ((i * 7 + salt) % 9)) * 60_000 + ((i * 13) % 60) * 1000;
    b.builds.push({
      id: stableGuid(`build:${id}:${i}`),
      commitId: commit.id,
      hash: commit.hash,
      status: outcome.status,
      hasWarning: outcome.hasWarning,
      startDate: new Date(startAt).toISOString(),
      endDate: new Date(startAt + durMs).toISOString(),
      duration: hms(durMs),
      isDistributable: outcome.status === 0,
      workflowId: wf?.id ?? '',
      workflowName: wf?.workflowName ?? 'Default Push Workflow',
      configurationId: cfg?.item1.id ?? '',
      configurationName: cfg?.item1.configurationName ?? 'Default Configuration',
      branchId: id,
      profileId: p.id,
    });
  }
  b.builds.sort((x, y) => Date.parse(y.startDate) - Date.parse(x.startDate));
  return b;
}

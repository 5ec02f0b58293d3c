/**
 * Hostile server and repository strings, the real builders they go through (notifications, "Build started…",
 * "server said", the status bar items and tooltips), and the checks that nothing in the result still works as a
 * link, an icon or a control (security review N5, N13). Shared by test/unit/ui/serverStrings.test.ts and the fault
 * matrix's "server strings" cells (test/faults/stringCells.ts).
 */
import type * as vscode from 'vscode';
import { ApiError } from '../../../src/api/http/errors';
import type { ApiErrorKind } from '../../../src/api/http/errors';
import type { Branch, Build, BuildProfile } from '../../../src/core/builds/buildModels';
import { BuildStatus } from '../../../src/core/builds/buildModels';
import type { BuildService, FinishedBuild } from '../../../src/core/builds/buildService';
import type { CommitBuildState } from '../../../src/core/commit/commitStatus';
import { Emitter } from '../../../src/core/events';
import type { SessionInfo } from '../../../src/core/session/models';
import type { SessionService } from '../../../src/core/session/sessionService';
import { toBuildRef } from '../../../src/ui/builds/buildRef';
import { StartBuildWizard } from '../../../src/ui/builds/startBuild';
import { commitItemView } from '../../../src/ui/commit/commitStatusBar';
import { describeError } from '../../../src/ui/errors/errorMessages';
import { finishedMessage } from '../../../src/ui/builds/notifications';
import { OrganizationStatusBar } from '../../../src/ui/session/statusBar';
import { BuildNode, ProfileNode } from '../../../src/ui/tree/nodes';
import { fake } from '../fakes/vscodeFake';

/** VS Code's notification link syntax (src/vs/base/common/linkedText.ts). */
export const LINK_REGEX = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** Names a profile owner, a hostile server or a git branch could carry. */
export const HOSTILE: Record<string, string> = {
  commandLink: 'Acme iOS – [see why](command:workbench.extensions.installExtension?%5B%22evil.ext%22%5D)',
  titledLink: '[docs](https://evil.example/x "Open docs")',
  fileLink: '[log](file:///etc/passwd)',
  icon: '$(pass-filled) main $(check)',
  bareCommand: 'see command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D now',
  bareFile: 'open file:///etc/passwd',
  control: 'a\u0000b\u001b[31mc\u0085d\u007fe\r\nf',
  bidi: 'Acme\u202eSOi\u2066x\u2069\u200e\u200f\u061c',
  backticks: 'org` [x](https://evil.example) `',
  long: `${'[a](command:x) '.repeat(2000)}end`,
};

export interface Checked {
  /** Allow the line breaks the builder itself puts between tooltip lines. */
  newlines?: boolean;
  /** The longest the whole text may be. */
  maxLength?: number;
}

/** Throws an Error naming what survived in `text` (from `where`). */
export function assertInert(where: string, text: string, o: Checked = {}): void {
  const problems: string[] = [];
  const links = text.match(new RegExp(LINK_REGEX.source, LINK_REGEX.flags));
  if (links) {
    problems.push(`a working link ${JSON.stringify(links[0])}`);
  }
  if (text.includes('$(')) {
    problems.push('an icon `$(`');
  }
  if (/\b(?:command|file):(?!\u200b)/i.test(text)) {
    problems.push('a bare command: or file: address');
  }
  // eslint-disable-next-line no-control-regex
  const control = o.newlines ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/ : /[\u0000-\u001f\u007f-\u009f]/;
  if (control.test(text)) {
    problems.push('a control character');
  }
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text)) {
    problems.push('a bidi control');
  }
  if (text.length > (o.maxLength ?? 2000)) {
    problems.push(`${text.length} characters`);
  }
  if (problems.length) {
    throw new Error(`${where}: ${problems.join(', ')} in ${JSON.stringify(text.slice(0, 300))}`);
  }
}

/** Throws when a Markdown tooltip's source still has a Markdown link, an unescaped `$(` or a stray backtick. */
export function assertInertMarkdown(where: string, md: string, codeSpans = 0): void {
  assertInert(where, md, { newlines: true, maxLength: 4000 });
  if (/(?<!\\)\]\(/.test(md) || /(?<!\\)</.test(md)) {
    throw new Error(`${where}: Markdown link syntax in ${JSON.stringify(md.slice(0, 300))}`);
  }
  const ticks = (md.match(/(?<!\\)`/g) ?? []).length;
  if (ticks !== codeSpans * 2) {
    throw new Error(`${where}: ${ticks} backticks where ${codeSpans * 2} were written in ${JSON.stringify(md.slice(0, 300))}`);
  }
}

const GUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function finished(name: string, status: FinishedBuild['status'] = BuildStatus.Failed): FinishedBuild {
  return {
    queueItemId: GUID(1),
    profileName: name,
    branchName: name,
    buildId: GUID(2),
    commitId: GUID(3),
    status,
    hasWarning: false,
    watched: true,
  };
}

/** "Build finished" texts of every outcome for a build named `name`. */
export function finishedMessages(name: string): string[] {
  const statuses = [BuildStatus.Success, BuildStatus.Failed, BuildStatus.Canceled, BuildStatus.Timeout, BuildStatus.Running];
  return [
    ...statuses.map((s) => finishedMessage(finished(name, s))),
    finishedMessage({ ...finished(name), hasWarning: true, status: BuildStatus.Success }),
  ];
}

/** The "server said" and other server-worded messages for a server message / redirect target `text`. */
export function serverSaidMessages(text: string): string[] {
  const api = (kind: ApiErrorKind, extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}) =>
    new ApiError({ kind, method: 'GET', path: 'build/v2/profiles', serverMessage: text, ...extra });
  const errors: unknown[] = [
    api('badRequest', { status: 400 }),
    api('notFound', { status: 404 }),
    api('server', { status: 500 }),
    api('redirected', { status: 302, redirectTarget: text }),
    api('insecureUrl', { redirectTarget: text }),
    new Error(text),
  ];
  return errors.map((e) => describeError(e, 'load')?.message ?? '');
}

function profile(name: string): BuildProfile {
  return { id: GUID(10), name, platform: 'ios', repositoryName: name, pinned: false, matchesWorkspace: true };
}
function branch(name: string): Branch {
  return { id: GUID(11), name, profileId: GUID(10) };
}
function build(name: string): Build {
  return {
    id: GUID(12),
    profileId: GUID(10),
    branchId: GUID(11),
    commitId: GUID(13),
    commitHash: 'abcdef0123456789abcdef0123456789abcdef01',
    commitMessage: name,
    author: name,
    status: BuildStatus.Failed,
    hasWarning: false,
    workflowName: name,
    configurationName: name,
  };
}

/** The "Build started…" status bar message for a profile, branch, workflow and configuration all named `name`. */
export async function buildStartedMessage(name: string): Promise<string> {
  const p = profile(name);
  const b = branch(name);
  const builds = {
    profiles: () => Promise.resolve({ value: [p] }),
    branches: () => Promise.resolve({ value: [b] }),
    workflows: () => Promise.resolve([{ id: GUID(20), name }]),
    configurations: () => Promise.resolve([{ id: GUID(21), name }]),
    commits: () => Promise.resolve([{ id: GUID(13) }]),
    startBuild: () => Promise.resolve({ queueItemId: GUID(1) }),
  } as unknown as BuildService;
  const session = { isSignedIn: true } as unknown as SessionService;
  const state = new Map<string, unknown>();
  const memento = {
    get: <T>(k: string, d?: T) => (state.has(k) ? (state.get(k) as T) : d),
    update: (k: string, v: unknown) => Promise.resolve(void state.set(k, v)),
    keys: () => [...state.keys()],
  } as unknown as vscode.Memento;
  const wizard = new StartBuildWizard(builds, session, memento, () => Promise.resolve([]));
  const before = fake.statusBarMessages.length;
  await wizard.start(toBuildRef({ profileId: p.id, branchId: b.id }));
  const shown = fake.statusBarMessages.slice(before).find((m) => m.startsWith('Build started'));
  if (!shown) {
    throw new Error(`no "Build started" status bar message among ${JSON.stringify(fake.statusBarMessages.slice(before))}`);
  }
  return shown;
}

/** The organization item's text, tooltip (Markdown source) and accessibility label for a session whose every string is `name`. */
export function organizationItem(name: string): { text: string; tooltip: string; label: string } {
  const info: SessionInfo = {
    account: name,
    accountId: GUID(30),
    kind: 'pat',
    organizationId: name,
    organizationName: name,
    isRootOrganization: true,
  };
  const never = new Emitter<void>();
  const session = {
    session: info,
    busy: false,
    onDidChangeSession: never.event,
    onDidChangeBusy: never.event,
    onDidChangeToken: never.event,
  } as unknown as SessionService;
  const bar = new OrganizationStatusBar(session, () => 0);
  try {
    const item = fake.statusBarItems[fake.statusBarItems.length - 1];
    const tip = item.tooltip;
    return {
      text: item.text,
      tooltip: typeof tip === 'string' ? tip : ((tip as { value?: string } | undefined)?.value ?? ''),
      label: (item.accessibilityInformation as { label?: string } | undefined)?.label ?? '',
    };
  } finally {
    bar.dispose();
    never.dispose();
  }
}

/** The commit's build item (text and tooltip) in each of its states, with the branch, profile and build named `name`. */
export function commitItems(name: string): { text: string; tooltip: string }[] {
  const head = { root: '/repo', remotes: [], branch: name, commit: 'abcdef0123456789abcdef0123456789abcdef01' };
  const states: CommitBuildState[] = [
    { kind: 'loading', head, profile: profile(name) },
    { kind: 'notBuilt', head, profile: profile(name), following: false },
    { kind: 'notBuilt', head, profile: profile(name), following: true, branch: branch(name) },
    { kind: 'build', head, profile: profile(name), branch: branch(name), build: build(name) },
    { kind: 'error', head, profile: profile(name), error: new Error(name) },
  ];
  return states.map((s) => commitItemView(s, Date.now()));
}

/** The tree's Markdown tooltips (profile, build) with every server string named `name`. */
export function treeTooltips(name: string): string[] {
  const profileTip = new ProfileNode(profile(name)).getTreeItem().tooltip as unknown as { value: string };
  const buildTip = new BuildNode(build(name), profile(name), branch(name), Date.now()).tooltip() as unknown as { value: string };
  return [profileTip.value, buildTip.value];
}

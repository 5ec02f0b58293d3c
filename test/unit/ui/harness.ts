/** Boots the whole extension on the vscode fake, pointed at an in-process sandbox. */
import type { BuildsTreeProvider } from '../../../src/ui/tree/buildsTree';
import type { AppcircleNode } from '../../../src/ui/tree/nodes';
import * as vscode from 'vscode';
import type { Sandbox } from '../../../sandbox/server';
import { startSandbox } from '../../../sandbox/server';
import { AppcircleExtension } from '../../../src/container';
import type * as FeaturesModule from '../../../src/features';
import { waitFor } from '../core/helpers';
import { InMemorySecretStore } from '../fakes/inMemorySecretStore';
import { fake } from '../fakes/vscodeFake';
import type { FakeStatusBarItem } from '../fakes/vscodeFake';

export interface UiHarness {
  sb: Sandbox;
  ext: AppcircleExtension;
  secrets: InMemorySecretStore;
  statusBar(): FakeStatusBarItem;
  run<T = unknown>(id: string, ...args: unknown[]): Promise<T | undefined>;
  logLines(): string[];
  dispose(): Promise<void>;
}

/** Under the test runner by default (credential arguments are taken without a confirmation, S17). */
export function fakeContext(secrets: InMemorySecretStore, extensionMode = vscode.ExtensionMode.Test): vscode.ExtensionContext {
  const secretStorage = {
    get: (k: string) => secrets.get(k),
    store: (k: string, v: string) => secrets.store(k, v),
    delete: (k: string) => secrets.delete(k),
    onDidChange: (l: (e: { key: string }) => unknown) => secrets.onDidChange((key) => l({ key })),
  };
  const state = new Map<string, unknown>();
  const globalState = {
    get: <T>(k: string, d?: T) => (state.has(k) ? (state.get(k) as T) : d),
    update: (k: string, v: unknown) => {
      state.set(k, v);
      return Promise.resolve();
    },
    keys: () => [...state.keys()],
  };
  return { secrets: secretStorage, subscriptions: [], globalState, extensionMode } as unknown as vscode.ExtensionContext;
}

export interface BootOptions {
  secrets?: InMemorySecretStore;
  keepFake?: boolean;
  sb?: Sandbox;
  extensionMode?: vscode.ExtensionMode;
  /** Loads src/features.ts instead of the real loader (a features.js gone missing). */
  loadFeatures?: () => typeof FeaturesModule;
}

export async function bootExtension(opts: BootOptions = {}): Promise<UiHarness> {
  if (!opts.keepFake) {
    fake.reset();
  }
  const sb = opts.sb ?? (await startSandbox({ quiet: true, builds: { speed: 0 } }));
  fake.configuration.set('appcircle.apiUrl', sb.apiUrl);
  fake.configuration.set('appcircle.authUrl', sb.authUrl);
  const secrets = opts.secrets ?? new InMemorySecretStore();
  const ext = new AppcircleExtension(fakeContext(secrets, opts.extensionMode), opts.loadFeatures);
  await waitUntil(() => fake.logChannels.some((c) => c.lines.some((l) => l.includes('Activated in'))));
  // the organization item (other items, such as the commit's build, may be created after it)
  const first = fake.statusBarItems.findIndex((i) => i.id === 'appcircle.organization');
  return {
    sb,
    ext,
    secrets,
    statusBar: () => {
      const item = fake.statusBarItems[first];
      if (!item) {
        throw new Error('no status bar item');
      }
      return item;
    },
    run: <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args) as Promise<T | undefined>,
    logLines: () => fake.logChannels.flatMap((c) => c.lines),
    dispose: async () => {
      ext.dispose();
      if (!opts.sb) {
        await sb.stop();
      }
    },
  };
}

/** Polls now and resolves after that poll (and what it made followed logs do) is done. */
export async function pollOnce(h: UiHarness, settled: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  const polled = new Promise<void>((resolve) => {
    const d = h.ext.builds.onDidPoll(() => {
      d.dispose();
      resolve();
    });
  });
  h.ext.builds.pollNow();
  await polled;
  await settled();
}

/** The same condition wait as the core tests use. */
export const waitUntil = waitFor;

/** The label a tree node shows. */
export function nodeLabel(n: AppcircleNode): string {
  const l = n.getTreeItem().label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

/** The child of `parent` (the root when undefined) labelled `name`; fails with the labels that are there. */
export async function treeChild<T extends AppcircleNode>(
  tree: BuildsTreeProvider,
  parent: AppcircleNode | undefined,
  name: string,
): Promise<T> {
  const children = await tree.getChildren(parent);
  const n = children.find((c) => nodeLabel(c) === name);
  if (!n) {
    throw new Error(`no tree node "${name}" among ${children.map(nodeLabel).join(', ')}`);
  }
  return n as T;
}

/**
 * The Distribution view's rows: the two modules (Testing Distribution, Enterprise App Store), their profiles and the
 * profiles' versions, newest first. Data objects whose getTreeItem() builds a fresh TreeItem with a stable id; every
 * server string is made inert (plain) and every tooltip escaped (plainMarkdown).
 */
import * as vscode from 'vscode';
import type { DistributionProfile, DistributionVersion, StoreProfile, StoreVersion } from '../../core/distribution/distributionModels';
import { PUBLISH_TYPE } from '../../core/distribution/distributionModels';
import { plain, plainMarkdown } from '../../core/plainText';
import { firstLine, relativeTime } from '../presentation';
import type { MoreRowNode } from '../tree/moreRow';
import type { MessageNode } from '../tree/nodes';

export type DistributionNode =
  SectionNode | TestingProfileNode | TestingVersionNode | StoreProfileNode | StoreVersionNode | MessageNode | MoreRowNode;

export class SectionNode {
  readonly type = 'distributionSection';
  constructor(readonly module: 'testing' | 'store') {}
  get id(): string {
    return `distribution:${this.module}`;
  }
  getTreeItem(): vscode.TreeItem {
    const testing = this.module === 'testing';
    const item = new vscode.TreeItem(
      testing ? vscode.l10n.t('Testing Distribution') : vscode.l10n.t('Enterprise App Store'),
      // Testing Distribution open, the store closed: opening the view reads one list, not two
      testing ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(testing ? 'beaker' : 'repo');
    item.contextValue = `distributionSection ${this.module}`;
    return item;
  }
}

/** "2.4.0 (120)": the version and its build number, as the dashboard shows them. */
export function versionLabel(v: {
  version?: string | null;
  versionCode?: string | null;
  name?: string | null;
  fileName?: string | null;
}): string {
  const version = plain(v.version ?? undefined, 40);
  const code = plain(v.versionCode ?? undefined, 40);
  if (version) {
    return code ? `${version} (${code})` : version;
  }
  return plain(v.name ?? v.fileName ?? undefined) || vscode.l10n.t('Unnamed version');
}

export class TestingProfileNode {
  readonly type = 'testingProfile';
  constructor(
    readonly profile: DistributionProfile,
    readonly parent: SectionNode,
  ) {}
  get id(): string {
    return `testingProfile:${this.profile.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const p = this.profile;
    const item = new vscode.TreeItem(plain(p.name), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(p.pinned ? 'pinned' : 'package');
    const groups = p.testingGroupIds?.length ?? 0;
    const latest = [p.iOSVersion && `iOS ${plain(p.iOSVersion, 40)}`, p.androidVersion && `Android ${plain(p.androidVersion, 40)}`].filter(
      Boolean,
    );
    item.description = [
      ...latest,
      groups === 0
        ? vscode.l10n.t('no auto-send groups')
        : groups === 1
          ? vscode.l10n.t('auto-send to 1 testing group')
          : vscode.l10n.t('auto-send to {0} testing groups', groups),
    ].join(' · ');
    item.contextValue = 'testingProfile';
    return item;
  }
}

export class TestingVersionNode {
  readonly type = 'testingVersion';
  constructor(
    readonly version: DistributionVersion,
    readonly parent: TestingProfileNode,
    private readonly now: number,
  ) {}
  get id(): string {
    return `testingVersion:${this.parent.profile.id}:${this.version.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const v = this.version;
    const item = new vscode.TreeItem(versionLabel(v), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('device-mobile');
    item.description = [relativeTime(v.createdAt ?? undefined, this.now), plain(firstLine(v.message ?? undefined), 80)]
      .filter(Boolean)
      .join(' · ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${plainMarkdown(versionLabel(v))}**\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('Uploaded: {0}', plainMarkdown(v.createdAt ?? '—'))}\n\n`);
    if (v.fileName) {
      md.appendMarkdown(`${vscode.l10n.t('File: {0}', plainMarkdown(v.fileName))}\n\n`);
    }
    md.appendMarkdown(vscode.l10n.t('Release notes: {0}', plainMarkdown(v.message ?? '', 1000) || '—'));
    item.tooltip = md;
    item.contextValue = 'testingVersion';
    return item;
  }
}

export class StoreProfileNode {
  readonly type = 'storeProfile';
  constructor(
    readonly profile: StoreProfile,
    readonly parent: SectionNode,
  ) {}
  get id(): string {
    return `storeProfile:${this.profile.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const p = this.profile;
    const item = new vscode.TreeItem(plain(p.name), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('package');
    item.description = [p.version ? plain(p.version, 40) : '', downloadsWords(p.totalDownloadCount ?? 0)].filter(Boolean).join(' · ');
    item.contextValue = 'storeProfile';
    return item;
  }
}

function downloadsWords(n: number): string {
  return n === 1 ? vscode.l10n.t('1 download') : vscode.l10n.t('{0} downloads', n);
}

/**
 * Where a sent version went, one whole sentence per case (no testing group, one, several): the Send command's
 * message and the agent tool's answer. `groups` are names already made inert.
 */
export function sentWords(version: string, profileName: string, groups: readonly string[]): string {
  if (groups.length === 0) {
    return vscode.l10n.t(
      '{0} is in {1}. No testing group gets it automatically: share it from the Appcircle dashboard.',
      version,
      profileName,
    );
  }
  return groups.length === 1
    ? vscode.l10n.t('{0} is in {1}; it goes to the testing group {2}.', version, profileName, groups[0])
    : vscode.l10n.t('{0} is in {1}; it goes to the testing groups {2}.', version, profileName, groups.join(', '));
}

/** Beta, Live or neither, in words. */
export function channelWords(publishType: number | undefined): string {
  return publishType === PUBLISH_TYPE.live
    ? vscode.l10n.t('Live')
    : publishType === PUBLISH_TYPE.beta
      ? vscode.l10n.t('Beta')
      : vscode.l10n.t('not published');
}

export class StoreVersionNode {
  readonly type = 'storeVersion';
  constructor(
    readonly version: StoreVersion,
    readonly parent: StoreProfileNode,
    private readonly now: number,
  ) {}
  get id(): string {
    return `storeVersion:${this.parent.profile.id}:${this.version.id}`;
  }
  get channel(): 'beta' | 'live' | 'none' {
    const t = this.version.publishType;
    return t === PUBLISH_TYPE.live ? 'live' : t === PUBLISH_TYPE.beta ? 'beta' : 'none';
  }
  getTreeItem(): vscode.TreeItem {
    const v = this.version;
    const item = new vscode.TreeItem(versionLabel(v), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const channel = this.channel;
    item.iconPath = new vscode.ThemeIcon(
      channel === 'live' ? 'broadcast' : channel === 'beta' ? 'beaker' : 'circle-outline',
      channel === 'live' ? new vscode.ThemeColor('testing.iconPassed') : undefined,
    );
    item.description = [channelWords(v.publishType), relativeTime(v.publishDate ?? v.createDate ?? undefined, this.now)]
      .filter(Boolean)
      .join(' · ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${plainMarkdown(versionLabel(v))}** · ${plainMarkdown(channelWords(v.publishType))}\n\n`);
    if (v.summary) {
      md.appendMarkdown(`${plainMarkdown(v.summary, 300)}\n\n`);
    }
    md.appendMarkdown(vscode.l10n.t('Downloads: {0}', v.downloadCount ?? 0));
    item.tooltip = md;
    item.accessibilityInformation = { label: vscode.l10n.t('{0}, {1}', versionLabel(v), channelWords(v.publishType)) };
    item.contextValue = `storeVersion ${channel}`;
    return item;
  }
}

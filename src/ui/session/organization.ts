/** Switch Organization: a quick pick of the root organization and its sub-organizations. */
import * as vscode from 'vscode';
import { NotSignedInError } from '../../core/errors';
import { plain } from '../../core/plainText';
import type { Organization, SessionInfo } from '../../core/session/models';
import type { OrganizationService } from '../../core/session/organizationService';
import type { SessionService } from '../../core/session/sessionService';
import { pick } from '../prompts';

export interface SelectOrganizationArgs {
  organizationId: string;
}

/** Whether a command argument (a command link, another extension) names an organization to switch to. */
export function isSelectOrganizationArgs(a: unknown): a is SelectOrganizationArgs {
  return typeof a === 'object' && a !== null && typeof (a as { organizationId?: unknown }).organizationId === 'string';
}

type OrgItem = vscode.QuickPickItem & { org?: Organization };

export class OrganizationCommands {
  constructor(
    private readonly session: SessionService,
    private readonly orgs: OrganizationService,
  ) {}

  async selectOrganization(args?: unknown): Promise<SessionInfo | undefined> {
    const current = this.session.session;
    if (!current) {
      throw new NotSignedInError();
    }
    let targetId: string;
    if (isSelectOrganizationArgs(args)) {
      targetId = args.organizationId;
    } else {
      const items = this.orgs.list().then((orgs) => toItems(orgs, current.organizationId));
      const chosen = await pick<OrgItem>(items, {
        title: vscode.l10n.t('Appcircle: Switch Organization'),
        placeHolder: vscode.l10n.t('Signed in as {0}. Pick the organization to work in.', plain(current.account)),
        matchOnDescription: true,
      });
      if (!chosen.org) {
        return undefined;
      }
      targetId = chosen.org.id;
    }
    if (targetId === current.organizationId) {
      return current;
    }
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Switching Appcircle organization…') },
      () => this.orgs.switchTo(targetId),
    );
    void vscode.window.showInformationMessage(vscode.l10n.t('Switched to {0}.', plain(info.organizationName)));
    return info;
  }
}

export function toItems(orgs: Organization[], currentId: string): OrgItem[] {
  const items: OrgItem[] = [];
  for (const org of orgs) {
    const kind = org.isRoot ? vscode.l10n.t('root organization') : vscode.l10n.t('sub-organization');
    const isCurrent = org.id === currentId;
    items.push({
      label: `${isCurrent ? '$(check)' : org.isRoot ? '$(organization)' : '$(blank)'} ${plain(org.name)}`,
      description: isCurrent ? vscode.l10n.t('current · {0}', kind) : kind,
      detail: plain(org.id),
      org,
      picked: isCurrent,
    });
  }
  return items;
}

/** Playwright helpers that drive the VS Code workbench as a person would (keyboard, clicks, visible text). */
import type { Locator, Page } from 'playwright-core';

export const T = 60_000;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Workbench {
  constructor(readonly page: Page) {}

  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: T });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: T });
  }

  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  async waitStatus(text: string | RegExp): Promise<void> {
    await this.statusItem(text).waitFor({ state: 'visible', timeout: T });
  }

  /** Opens the palette, types the command and picks the row whose label is exactly the title. */
  async runCommand(title: string): Promise<void> {
    const row = this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${esc(title)}\\s*$`) }) })
      .first();
    // the palette lists the commands known when it opens: in a window still loading its extensions, a command may
    // come a little later, so the palette is opened again (three times at most, the same minute in all)
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: T });
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: attempt < 3 ? T / 4 : T / 2 });
        break;
      } catch (e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
    await row.click();
  }

  /**
   * Signs in with the demo PAT unless the status bar already shows the organization. A window still restoring its
   * session may show it a moment later, after the command ran: then the command says "already signed in", and that
   * is as good.
   */
  async ensureSignedIn(pat: string, organization = 'Acme Mobile'): Promise<void> {
    if ((await this.statusItem(organization).count()) > 0) {
      return;
    }
    await this.runCommand('Appcircle: Sign In with Personal Access Key (Personal API Token)');
    const input = this.page
      .locator('.quick-input-widget', { hasText: /Personal API Token/ })
      .locator('input[type="password"]')
      .first();
    const restored = this.statusItem(organization);
    await input
      .or(this.toast(/You are already signed in to Appcircle/))
      .or(restored)
      .first()
      .waitFor({ state: 'visible', timeout: T });
    // the restored session may close the prompt just as it opened: then there is nothing to type
    const typed = await input
      .fill(pat, { timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (typed && (await restored.count()) === 0) {
      await this.page.keyboard.press('Enter');
    }
    await this.waitStatus(organization);
  }

  async typeInInput(value: string, opts: { password?: boolean; prompt?: string | RegExp } = {}): Promise<void> {
    if (opts.prompt) {
      await this.page.locator('.quick-input-widget', { hasText: opts.prompt }).first().waitFor({ state: 'visible', timeout: T });
    }
    const input = this.page.locator(
      opts.password ? '.quick-input-widget input[type="password"]' : '.quick-input-widget .quick-input-box input:not([type="password"])',
    );
    await input.first().waitFor({ state: 'visible', timeout: T });
    await input.first().fill(value);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Switches organization from the status bar item showing `current`. A click on the item while it redraws (its
   * spinner after a refresh) is lost, so it is clicked again when no quick pick opened (three times at most); then
   * the pointer leaves the item, whose hover stayed over the side bar (journey 27 could not click a header under it).
   */
  async switchOrganization(current: string, target: string): Promise<void> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: target }).first();
    for (let attempt = 1; ; attempt++) {
      await this.statusItem(current).click();
      try {
        await row.waitFor({ state: 'visible', timeout: attempt < 3 ? T / 4 : T / 2 });
        break;
      } catch (e) {
        if (attempt >= 3) {
          throw e;
        }
        await this.page.keyboard.press('Escape');
      }
    }
    await row.click();
    await this.waitStatus(target);
    // the pointer rests on the status item: its hover would cover the Appcircle views' lower section headers
    await this.page.mouse.move(700, 300);
  }

  async pickRow(label: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: T });
    await row.click();
  }

  toast(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  async waitToast(text: string | RegExp): Promise<string> {
    const t = this.toast(text);
    await t.waitFor({ state: 'visible', timeout: T });
    return (await t.innerText()).trim();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page
      .locator('.notifications-toasts .notification-toast')
      .first()
      .waitFor({ state: 'hidden', timeout: T })
      .catch(() => undefined);
  }

  /** Shows the Appcircle container through its view command: unlike a click on the icon it never toggles it closed. */
  async openAppcircleView(): Promise<void> {
    await this.page.locator('.part.activitybar [aria-label^="Appcircle"]').first().waitFor({ state: 'visible', timeout: T });
    await this.runCommand('View: Show Appcircle');
    await this.page.locator('.pane-header', { hasText: 'Build Profiles' }).first().waitFor({ state: 'visible', timeout: T });
  }

  /** Right-clicks a target and runs a context-menu entry (hover to focus it, then Enter, as with a keyboard). */
  async contextMenu(target: Locator, label: string): Promise<void> {
    await target.click({ button: 'right' });
    const entry = this.page.locator('.monaco-menu .action-item', { hasText: label }).first();
    await entry.waitFor({ state: 'visible', timeout: T });
    await entry.hover();
    await this.page.locator('.monaco-menu .action-item.focused', { hasText: label }).first().waitFor({ state: 'visible', timeout: T });
    await this.page.keyboard.press('Enter');
    await entry.waitFor({ state: 'hidden', timeout: T });
  }

  treeItem(name: string | RegExp): Locator {
    return this.page.getByRole('treeitem', { name }).first();
  }

  async screenshot(file: string): Promise<void> {
    await this.page.screenshot({ path: file });
  }
}

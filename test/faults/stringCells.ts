/**
 * Fault-matrix cells "server strings" (security review N5, N13): profile, workflow, configuration, organization and
 * branch names and server error messages that carry link, icon, control and bidi syntax, fed through the real
 * message builders, status bar items and tooltips. A cell fails when anything in the result still matches VS Code's
 * notification LINK_REGEX, still has `$(`, a bare `command:`/`file:` address, a control or a bidi character.
 * No request is made. Columns: NTFY (notification texts), SBAR (status bar texts), TIP (tooltips).
 */
import '../unit/fakes/installVscodeFake';
import { fake } from '../unit/fakes/vscodeFake';
import {
  HOSTILE,
  assertInert,
  assertInertMarkdown,
  buildStartedMessage,
  commitItems,
  finishedMessages,
  organizationItem,
  serverSaidMessages,
  treeTooltips,
} from '../unit/ui/serverStringBuilders';
import type { LocalCell } from './localCells';

const GROUP = 'server strings';
/** Our own leading icon (the item's `$(organization)`, the build's `$(error)`): the rest is checked. */
const OWN_ICON = /^\$\([a-z~-]+\) /;

export function stringCells(): LocalCell[] {
  const cells: LocalCell[] = [];
  for (const [kind, name] of Object.entries(HOSTILE)) {
    cells.push(
      {
        group: GROUP,
        label: kind,
        op: 'NTFY',
        run: async () => {
          fake.reset();
          for (const m of finishedMessages(name)) {
            assertInert('build finished', m);
          }
          assertInert('Build started', await buildStartedMessage(name));
          for (const m of serverSaidMessages(name)) {
            assertInert('server said', m);
          }
        },
      },
      {
        group: GROUP,
        label: kind,
        op: 'SBAR',
        run: () => {
          fake.reset();
          const org = organizationItem(name);
          assertInert('organization item', org.text.replace(OWN_ICON, ''));
          assertInert('organization item label', org.label);
          for (const v of commitItems(name)) {
            assertInert('commit item', v.text.replace(OWN_ICON, ''));
          }
          return Promise.resolve();
        },
      },
      {
        group: GROUP,
        label: kind,
        op: 'TIP',
        run: () => {
          fake.reset();
          assertInertMarkdown('organization tooltip', organizationItem(name).tooltip, 1);
          for (const v of commitItems(name)) {
            assertInert('commit item tooltip', v.tooltip, { newlines: true, maxLength: 4000 });
          }
          for (const md of treeTooltips(name)) {
            assertInertMarkdown('tree tooltip', md.replace(OWN_ICON, ''));
          }
          return Promise.resolve();
        },
      },
    );
  }
  return cells;
}

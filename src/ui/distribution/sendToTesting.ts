/**
 * Send to Testing Distribution… on a finished build (its `.ipa` / `.apk` / `.aab` streamed out of the artifacts zip),
 * and Upload to Testing Distribution… / Upload to Enterprise App Store… on a file in the Explorer: pick the binary and
 * the profile (the one last used for that build profile first), the release notes (the commit message by default),
 * then upload with a cancellable progress notification (bytes and rate), follow Appcircle's task to its end, and say
 * where the version went and which testing groups get it. The upload service leaves nothing half-made (see
 * src/core/distribution/uploadService.ts); this file never holds a binary in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import type { BuildService } from '../../core/builds/buildService';
import { BuildStatus, isTerminal } from '../../core/builds/buildModels';
import { ArtifactsZip } from '../../core/distribution/artifactBinaries';
import type { DistributionService, StoreService } from '../../core/distribution/distributionService';
import { acceptsBinary } from '../../core/distribution/uploadService';
import type { UploadResult, UploadService, UploadTarget } from '../../core/distribution/uploadService';
import { errorText, NotSignedInError, UserCancelledError } from '../../core/errors';
import { plain } from '../../core/plainText';
import type { Logger } from '../../core/ports';
import type { SessionService } from '../../core/session/sessionService';
import { formatBytes } from '../builds/artifacts';
import type { BuildRef } from '../builds/buildRef';
import { pick } from '../prompts';
import { sentWords, versionLabel } from './distributionNodes';

const LAST_PROFILE_KEY = 'appcircle.distribution.lastProfile';
/** Release notes at most (the API names no limit; the agent tool takes as many). */
export const MAX_RELEASE_NOTES_LENGTH = 4000;

// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * The commit message as the release notes' default: as written (plain()'s zero-width spaces would be sent to
 * testers), control and bidi characters made spaces, at most MAX_RELEASE_NOTES_LENGTH characters.
 */
export function defaultReleaseNotes(commitMessage: string | undefined): string {
  const t = (commitMessage ?? '')
    .slice(0, MAX_RELEASE_NOTES_LENGTH * 2)
    .replace(CONTROL_OR_BIDI, ' ')
    .trim();
  return t.length > MAX_RELEASE_NOTES_LENGTH ? t.slice(0, MAX_RELEASE_NOTES_LENGTH).replace(/[\ud800-\udbff]$/, '') : t;
}

export interface SendServices {
  session: SessionService;
  builds: BuildService;
  testing: DistributionService;
  store: StoreService;
  uploads: UploadService;
  state: vscode.Memento;
  /** After a version was made: the Distribution view shows it. */
  refreshView: () => void;
  /** The build of the commit checked out here (the commit item's), for the command run without a build. */
  commitBuild: () => BuildRef | undefined;
  /** Where a temporary zip that could not be deleted is noted. */
  logger?: Pick<Logger, 'warn'>;
}

interface Binary {
  name: string;
  size: number;
  open: () => Readable;
}

export class SendToTesting {
  constructor(private readonly s: SendServices) {}

  /** A finished build's binary to a Testing Distribution profile. */
  async sendBuild(given: BuildRef | undefined): Promise<UploadResult | undefined> {
    this.signedIn();
    // from the Command Palette: the build of the commit checked out here, as the commit item shows it
    const ref = given ?? this.s.commitBuild();
    if (!given && !ref) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'No finished Appcircle build of the commit checked out here. Pick a build in the Build Profiles view, then Send to Testing Distribution… from its menu.',
        ),
      );
      return undefined;
    }
    if (!ref?.buildId || !ref.commitId || (ref.status !== undefined && !isTerminal(ref.status))) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Send to Testing Distribution works on a finished build with artifacts.'));
      return undefined;
    }
    if (ref.status !== undefined && ref.status !== BuildStatus.Success) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('This build failed, timed out or was cancelled, so it has no app to send. Send a succeeded build instead.'),
      );
      return undefined;
    }
    const { commitId, buildId } = ref;
    const zip = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Reading the build's artifacts…"), cancellable: true },
      (_p, token) => withSignal(token, (signal) => ArtifactsZip.download(this.s.builds, commitId, buildId, signal)),
    );
    try {
      const binaries = zip.binaries();
      if (binaries.length === 0) {
        void vscode.window.showWarningMessage(vscode.l10n.t("This build's artifacts have no .ipa, .apk or .aab file to send."));
        return undefined;
      }
      const chosen =
        binaries.length === 1
          ? binaries[0]
          : (
              await pick(
                binaries.map((b) => ({ label: plain(b.name), description: formatBytes(b.size), detail: plain(b.path, 300), b })),
                { title: vscode.l10n.t('Send to Testing Distribution: binary'), placeHolder: vscode.l10n.t('Pick the file to send') },
              )
            ).b;
      const binary: Binary = { name: chosen.name, size: chosen.size, open: () => zip.openBinary(chosen.path) };
      return await this.toTesting(binary, ref.profileId, ref.commitMessage);
    } finally {
      // never hides the send's own outcome: a temporary folder left behind is logged
      await zip.dispose().catch((e: unknown) => this.s.logger?.warn(`The build's artifacts zip was not deleted: ${errorText(e)}`));
    }
  }

  /** A local binary (the Explorer's context menu) to Testing Distribution or the Enterprise App Store. */
  async uploadFile(uri: unknown, module: 'testing' | 'store'): Promise<UploadResult | undefined> {
    this.signedIn();
    const file = uri instanceof vscode.Uri && uri.scheme === 'file' ? uri.fsPath : undefined;
    if (!file) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Pick an .ipa, .apk or .aab file on this computer in the Explorer.'));
      return undefined;
    }
    const st = await fs.promises.stat(file);
    if (!this.isBinary(file, st, module)) {
      return undefined;
    }
    const binary: Binary = { name: path.basename(file), size: st.size, open: () => fs.createReadStream(file) };
    return module === 'testing' ? this.toTesting(binary, undefined, undefined) : this.toStore(binary);
  }

  private async toTesting(binary: Binary, buildProfileId: string | undefined, commitMessage: string | undefined): Promise<UploadResult> {
    const profiles = await this.s.testing.profiles();
    const last = buildProfileId ? this.s.state.get<Record<string, string>>(LAST_PROFILE_KEY, {})[buildProfileId] : undefined;
    const ordered = [...profiles.filter((p) => p.id === last), ...profiles.filter((p) => p.id !== last)];
    const profile = (
      await pick(
        ordered.map((p) => ({
          label: plain(p.name),
          description: p.id === last ? vscode.l10n.t('last used') : undefined,
          p,
        })),
        {
          title: vscode.l10n.t('Send {0} to Testing Distribution: profile', plain(binary.name)),
          placeHolder: vscode.l10n.t('Pick the distribution profile'),
        },
      )
    ).p;
    const notes = await vscode.window.showInputBox({
      title: vscode.l10n.t('Release notes for {0}', plain(profile.name)),
      prompt: vscode.l10n.t('What testers read about this version (empty: none)'),
      value: defaultReleaseNotes(commitMessage),
      validateInput: (v) =>
        v.length > MAX_RELEASE_NOTES_LENGTH
          ? vscode.l10n.t('Release notes can be at most {0} characters; these have {1}.', MAX_RELEASE_NOTES_LENGTH, v.length)
          : undefined,
    });
    if (notes === undefined) {
      throw new UserCancelledError();
    }
    if (buildProfileId) {
      const all = this.s.state.get<Record<string, string>>(LAST_PROFILE_KEY, {});
      await this.s.state.update(LAST_PROFILE_KEY, { ...all, [buildProfileId]: profile.id });
    }
    const result = await this.upload(binary, { kind: 'testing', profileId: profile.id }, plain(profile.name), notes.trim() || undefined);
    const groups = await this.groupNames(profile.testingGroupIds ?? []);
    const version = result.kind === 'testing' ? versionLabel(result.version) : '';
    void vscode.window.showInformationMessage(sentWords(version, plain(profile.name), groups));
    return result;
  }

  private async toStore(binary: Binary): Promise<UploadResult> {
    const profiles = await this.s.store.profiles();
    const NEW = vscode.l10n.t('New profile from this binary');
    // a new profile has no name yet: the progress title says so in a sentence of its own
    const choice = await pick(
      [
        { label: NEW, id: undefined as string | undefined, name: '' },
        ...profiles.map((p) => ({ label: plain(p.name), id: p.id, name: p.name })),
      ],
      {
        title: vscode.l10n.t('Upload {0} to the Enterprise App Store: profile', plain(binary.name)),
        placeHolder: vscode.l10n.t('Pick the store profile'),
      },
    );
    const target: UploadTarget = choice.id
      ? { kind: 'store', createNewProfile: false, profileId: choice.id }
      : { kind: 'store', createNewProfile: true };
    const result = await this.upload(binary, target, choice.id ? plain(choice.name) : undefined, undefined);
    const version = result.kind === 'store' ? versionLabel(result.version) : '';
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0} is in the Enterprise App Store, not published yet: publish it to Beta or Live from the Distribution view.',
        version,
      ),
    );
    return result;
  }

  /** The upload with a cancellable progress notification: bytes, rate, then Appcircle's processing. */
  private async upload(
    binary: Binary,
    target: UploadTarget,
    where: string | undefined,
    releaseNotes: string | undefined,
  ): Promise<UploadResult> {
    return await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title:
          where === undefined
            ? vscode.l10n.t('Uploading {0} to a new Enterprise App Store profile', plain(binary.name))
            : vscode.l10n.t('Uploading {0} to {1}', plain(binary.name), where),
        cancellable: true,
      },
      async (progress, token) => {
        let shown = 0;
        let committed = false;
        const stoppedWaiting = token.onCancellationRequested(() => {
          if (committed) {
            // Appcircle has the file: a cancel stops the waiting, not the version
            void vscode.window.showInformationMessage(
              vscode.l10n.t('Stopped waiting. Appcircle already has the file, so the version may still appear in the Distribution view.'),
            );
          }
        });
        const result = await withSignal(token, (signal) =>
          this.s.uploads.upload({
            target,
            fileName: binary.name,
            size: binary.size,
            open: () => binary.open(),
            releaseNotes,
            signal,
            onProgress: (sent, total, rate) => {
              const pct = total > 0 ? Math.floor((sent / total) * 100) : 0;
              progress.report({
                increment: Math.max(0, pct - shown),
                message: vscode.l10n.t('{0} of {1} ({2}/s)', formatBytes(sent), formatBytes(total), formatBytes(Math.round(rate))),
              });
              shown = Math.max(shown, pct);
            },
            onCommitted: () => {
              committed = true;
              progress.report({ message: vscode.l10n.t('Appcircle is processing the file…') });
            },
          }),
        ).finally(() => {
          stoppedWaiting.dispose();
        });
        this.s.refreshView();
        return result;
      },
    );
  }

  private async groupNames(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) {
      return [];
    }
    const groups = await this.s.testing.testingGroups().catch(() => []);
    return ids.map((id) => plain(groups.find((g) => g.id === id)?.name ?? id));
  }

  /** A file (not a folder named like one) of a kind the target takes; otherwise a warning, before any pick. */
  private isBinary(file: string, st: fs.Stats, module: 'testing' | 'store'): boolean {
    const name = plain(path.basename(file));
    if (!st.isFile()) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} is not a file. Pick an .ipa, .apk or .aab file in the Explorer.', name));
      return false;
    }
    if (acceptsBinary(module, file)) {
      return true;
    }
    void vscode.window.showWarningMessage(
      module === 'testing'
        ? vscode.l10n.t('{0} is not an .ipa, .apk or .aab file, so it was not uploaded.', name)
        : vscode.l10n.t('The Enterprise App Store takes .ipa and .apk files, so {0} was not uploaded.', name),
    );
    return false;
  }

  private signedIn(): void {
    if (!this.s.session.isSignedIn) {
      throw new NotSignedInError();
    }
  }
}

/** `fn` with an AbortSignal that the progress notification's Cancel aborts. */
async function withSignal<T>(token: vscode.CancellationToken, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const sub = token.onCancellationRequested(() => ac.abort());
  try {
    return await fn(ac.signal);
  } finally {
    sub.dispose();
  }
}

/**
 * Download Artifacts: the build's zip into a folder the user picks (remembered), with a cancellable progress
 * notification showing bytes; a partial file never stays behind.
 */
import type * as Crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as StreamPromises from 'node:stream/promises';
import type * as Stream from 'node:stream';
import * as vscode from 'vscode';
import type { BuildService } from '../../core/builds/buildService';
import { UserCancelledError } from '../../core/errors';
import { safePart } from '../../core/fileNames';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';
import { NoArtifactsError, NotALocalFolderError, NotAZipError } from '../errors/buildErrors';

/* eslint-disable @typescript-eslint/no-require-imports -- Node built-ins on the first download, not at activation */
const nodeCrypto = (): typeof Crypto => require('node:crypto') as typeof Crypto;
const nodeStream = (): typeof Stream => require('node:stream') as typeof Stream;
const nodeStreamPromises = (): typeof StreamPromises => require('node:stream/promises') as typeof StreamPromises;
/* eslint-enable @typescript-eslint/no-require-imports */
const LAST_FOLDER_KEY = 'appcircle.artifacts.lastFolder';

export function formatBytes(n: number): string {
  if (n < 1024) {
    return `${n} B`;
  }
  if (n < 1024 * 1024) {
    return `${(n / 1024).toFixed(1)} KB`;
  }
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export interface ArtifactTarget {
  commitId: string;
  buildId: string;
  profileName: string;
  branchName: string;
}

/** The zip's name: never a path (no separator, no '..'), whatever ids and names the server sent. */
export function artifactFileName(t: ArtifactTarget, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `${safePart(t.profileName)}-${safePart(t.branchName)}-${safePart(t.buildId, 8)}-artifacts-${stamp}.zip`;
}

/**
 * Moves the finished `.part` to `name.zip`, else `name-2.zip`, …: never over an existing file, even when two
 * downloads finish at once (a hard link fails with EEXIST where a rename would replace; a file system without
 * hard links gets an exclusive copy).
 */
async function placeFile(part: string, file: string): Promise<string> {
  const ext = path.extname(file);
  const base = file.slice(0, file.length - ext.length);
  for (let i = 1; i < 1000; i++) {
    const candidate = i === 1 ? file : `${base}-${i}${ext}`;
    try {
      try {
        await fs.promises.link(part, candidate);
      } catch (e) {
        if ((e as { code?: unknown }).code === 'EEXIST') {
          throw e;
        }
        await fs.promises.copyFile(part, candidate, fs.constants.COPYFILE_EXCL);
      }
      await fs.promises.rm(part, { force: true });
      return candidate;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EEXIST') {
        throw e;
      }
    }
  }
  throw Object.assign(new Error('no free file name for the artifacts'), { code: 'EEXIST' });
}

/** Streams the zip to `<folder>/<name>.part`, renames on success, deletes on cancel or failure. */
export async function downloadTo(
  builds: BuildService,
  t: ArtifactTarget,
  folder: string,
  onProgress: (received: number, total: number | undefined) => void,
  signal: AbortSignal,
): Promise<string> {
  const file = path.join(folder, artifactFileName(t));
  if (path.dirname(path.resolve(file)) !== path.resolve(folder)) {
    throw new Error('unsafe artifact file name'); // cannot happen with artifactFileName; kept as a guard
  }
  // unique per download: two downloads in the same second never share a .part file
  const part = `${file}.${nodeCrypto().randomUUID().slice(0, 8)}.part`;
  const res = await builds.artifacts(t.commitId, t.buildId, signal);
  if (!res) {
    throw new NoArtifactsError();
  }
  let received = 0;
  let head = Buffer.alloc(0);
  const counter = new (nodeStream().Transform)({
    transform(chunk: Buffer, _enc, cb) {
      if (head.length < 2) {
        head = Buffer.concat([head, chunk]).subarray(0, 2);
        if (head.length >= 2 && head.toString('latin1') !== 'PK') {
          cb(new NotAZipError());
          return;
        }
      }
      received += chunk.length;
      onProgress(received, res.contentLength);
      cb(null, chunk);
    },
    flush(cb) {
      cb(head.length < 2 ? new NotAZipError() : null);
    },
  });
  const out = fs.createWriteStream(part, { flags: 'wx' });
  try {
    await nodeStreamPromises().pipeline(res.stream, counter, out, { signal });
    return await placeFile(part, file);
  } catch (e) {
    // a body that broke before the file was open still opens it (and closes it) after the pipeline failed: deleting
    // it before that would leave the file behind, created after its deletion
    await closed(out);
    await fs.promises.rm(part, { force: true });
    if (signal.aborted) {
      throw new UserCancelledError();
    }
    throw e;
  }
}

/** Resolves once the stream has closed its file (at most 5 s: a file system that hangs does not hang the command). */
function closed(out: fs.WriteStream): Promise<void> {
  if (out.closed) {
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 5000);
    out.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    out.destroy();
  });
}

/** The workspace folder as the dialog's start, when it is on this computer's disk (not a virtual workspace's). */
function localFolder(uri: vscode.Uri | undefined): vscode.Uri | undefined {
  return uri?.scheme === 'file' ? uri : undefined;
}

/**
 * The folder always comes from the dialog, never from the command's caller (security review S17): a command link
 * or another extension cannot save a server's zip into a folder the user did not pick.
 */
export async function downloadArtifactsCommand(
  builds: BuildService,
  state: vscode.Memento,
  t: ArtifactTarget,
): Promise<string | undefined> {
  const names = { profile: plain(t.profileName), branch: plain(t.branchName) };
  const last = state.get<string>(LAST_FOLDER_KEY);
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Save Artifacts Here'),
    title: vscode.l10n.t('Download artifacts of {0} / {1}', names.profile, names.branch),
    defaultUri: last ? vscode.Uri.file(last) : localFolder(vscode.workspace.workspaceFolders?.[0]?.uri),
  });
  if (!picked?.[0]) {
    throw new UserCancelledError();
  }
  if (picked[0].scheme !== 'file') {
    // the zip is streamed with Node's fs (workspace.fs has no streaming write): only this computer's disk
    throw new NotALocalFolderError();
  }
  const target = picked[0].fsPath;
  await state.update(LAST_FOLDER_KEY, target);
  const file = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Downloading artifacts of {0} / {1}', names.profile, names.branch),
      cancellable: true,
    },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let lastPct = 0;
      return downloadTo(
        builds,
        t,
        target,
        (received, total) => {
          const pct = total ? Math.floor((received / total) * 100) : 0;
          progress.report({
            message: total ? `${formatBytes(received)} / ${formatBytes(total)}` : formatBytes(received),
            increment: total ? pct - lastPct : undefined,
          });
          lastPct = pct;
        },
        ac.signal,
      );
    },
  );
  const reveal = vscode.l10n.t('Reveal');
  void vscode.window.showInformationMessage(vscode.l10n.t('Artifacts saved to {0}.', plain(file, MAX_MESSAGE_LENGTH)), reveal).then((p) => {
    if (p === reveal) {
      return vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
    }
    return undefined;
  });
  return file;
}

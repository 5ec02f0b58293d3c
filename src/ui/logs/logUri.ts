/**
 * The `appcircle-log:` URI of a build log, both ways: `logUri` writes a build's ids into it, `logBuildInfo` reads
 * them back (the log document, its structure, its Problems and Go to First Error all read the build from it). The
 * path `/<profile>/<branch>/<label>.log` names the editor tab; the query carries the ids and the build's status.
 */
import * as vscode from 'vscode';
import { LOG_SCHEME } from '../../constants';
import { toBuildStatus } from '../../core/builds/buildModels';
import type { BuildStatusCode } from '../../core/builds/buildModels';

export interface LogTarget {
  profileName: string;
  branchName: string;
  commitId?: string;
  buildId?: string;
  queueItemId?: string;
  label: string;
  /** The build's status when the log was opened (a failed build's log gets Go to First Error and its Problems). */
  status?: number;
  profileId?: string;
  branchId?: string;
}

export function logUri(t: LogTarget): vscode.Uri {
  const safe = (s: string) => s.replace(/[\\/:*?"<>|#%]/g, '-');
  const query = new URLSearchParams();
  if (t.commitId) {
    query.set('commit', t.commitId);
  }
  if (t.buildId) {
    query.set('build', t.buildId);
  }
  if (t.queueItemId) {
    query.set('queue', t.queueItemId);
  }
  for (const [k, v] of [
    ['status', t.status],
    ['profile', t.profileId],
    ['branch', t.branchId],
  ] as const) {
    if (v !== undefined) {
      query.set(k, String(v));
    }
  }
  return vscode.Uri.from({
    scheme: LOG_SCHEME,
    path: `/${safe(t.profileName)}/${safe(t.branchName)}/${safe(t.label)}.log`,
    query: query.toString(),
  });
}

/** What the log's URI says about its build (logUri's query). */
export interface LogBuildInfo {
  status?: BuildStatusCode;
  buildId?: string;
  commitId?: string;
  queueItemId?: string;
  profileId?: string;
  branchId?: string;
  /** From the document's path: `/<profile>/<branch>/<label>.log`. */
  profileName?: string;
  branchName?: string;
}

export function logBuildInfo(uri: vscode.Uri): LogBuildInfo {
  const q = new URLSearchParams(uri.query);
  const status = q.get('status');
  const parts = uri.path.split('/').filter(Boolean);
  return {
    status: status !== null && status !== '' && !Number.isNaN(Number(status)) ? toBuildStatus(Number(status)) : undefined,
    buildId: q.get('build') ?? undefined,
    commitId: q.get('commit') ?? undefined,
    queueItemId: q.get('queue') ?? undefined,
    profileId: q.get('profile') ?? undefined,
    branchId: q.get('branch') ?? undefined,
    profileName: parts.length >= 3 ? parts[0] : undefined,
    branchName: parts.length >= 3 ? parts.slice(1, -1).join('/') : undefined,
  };
}

/** The log's file name (`<label>.log`): its temporary file is named so. */
export function logFileName(uri: vscode.Uri): string | undefined {
  return uri.path.split('/').pop();
}

/** `<profile> / <branch> / <label>.log`: the log as a message names it. */
export function logTitle(uri: vscode.Uri): string {
  return uri.path.split('/').filter(Boolean).join(' / ');
}

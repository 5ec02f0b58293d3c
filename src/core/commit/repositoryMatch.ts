/**
 * Which build profiles build the workspace's repository: a git remote and a profile's repository name are each
 * normalised to host + full path (`github.com` + `acme/app`, `gitlab.com` + `group/sub/app`, `dev.azure.com` +
 * `org/project/app`), and they match on both. The two-segment `owner/name` slug is only a fallback, when no
 * profile matches fully, and never a guess between profiles of the same slug on different hosts.
 * Pure: used by the tree's "this workspace" marker (BuildService.profiles) and by the commit status.
 */

/** A repository's place: lowercase host (undefined for a bare `owner/name`), path without `.git`, lowercase. */
export interface RepositoryId {
  host?: string;
  path: string;
}

/** Hosts that are other names of one service (ssh endpoints, Azure DevOps' old domain). */
const HOST_ALIASES: Record<string, string> = {
  'ssh.dev.azure.com': 'dev.azure.com',
  'vs-ssh.visualstudio.com': 'dev.azure.com',
  'ssh.github.com': 'github.com',
  'altssh.gitlab.com': 'gitlab.com',
  'altssh.bitbucket.org': 'bitbucket.org',
};

function splitHostPath(s: string): { host?: string; path: string } {
  // scheme://[user@]host[:port]/path
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)\/?(.*)$/.exec(s);
  if (url) {
    const authority = url[1] ?? '';
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.split(':')[0];
    return { host: host || undefined, path: url[2] ?? '' };
  }
  // scp-like: [user@]host:path (not a Windows drive letter, not a path with a slash before the colon)
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.*)$/.exec(s);
  if (scp?.[1] && scp[1].length > 1) {
    return { host: scp[1], path: scp[2] ?? '' };
  }
  // host/path without a scheme (`gitlab.com/group/repo`): a first segment with a dot names a host
  const first = s.split('/', 1)[0] ?? '';
  if (first.includes('.') && s.includes('/')) {
    return { host: first, path: s.slice(first.length + 1) };
  }
  return { path: s };
}

/** Azure DevOps paths, in every spelling, as `org/project/repo`. */
function azurePath(host: string, segments: string[]): { host: string; segments: string[] } {
  const vs = /^([^.]+)\.visualstudio\.com$/.exec(host);
  if (vs?.[1] && host !== 'vs-ssh.visualstudio.com') {
    // https://org.visualstudio.com/[DefaultCollection/]project/_git/repo
    const rest = segments[0] === 'defaultcollection' ? segments.slice(1) : segments;
    return { host: 'dev.azure.com', segments: [vs[1], ...rest.filter((s) => s !== '_git')] };
  }
  if (host === 'dev.azure.com') {
    // https: org/project/_git/repo; ssh: v3/org/project/repo
    const rest = segments[0] === 'v3' ? segments.slice(1) : segments;
    return { host, segments: rest.filter((s) => s !== '_git') };
  }
  return { host, segments };
}

/** A remote URL or a profile's repository name as host + full path; undefined when it names no repository. */
export function repositoryId(remoteOrName: string | undefined): RepositoryId | undefined {
  const s = remoteOrName?.trim().toLowerCase();
  if (!s) {
    return undefined;
  }
  const split = splitHostPath(s);
  let segments = split.path.split(/[?#]/, 1)[0]?.split('/').filter(Boolean) ?? [];
  const last = segments.at(-1);
  if (last?.endsWith('.git')) {
    segments = [...segments.slice(0, -1), last.slice(0, -4)].filter(Boolean);
  }
  let host = split.host?.replace(/\.$/, '');
  if (host) {
    host = HOST_ALIASES[host] ?? host;
    ({ host, segments } = azurePath(host, segments));
  }
  if (!segments.length) {
    return undefined;
  }
  return { host, path: segments.join('/') };
}

/** The last two segments of the path (`owner/name`), or the one segment there is. */
export function slugOf(id: RepositoryId): string {
  return id.path.split('/').slice(-2).join('/');
}

function fullMatch(p: RepositoryId, r: RepositoryId): boolean {
  // a bare name (no host) is complete when its whole path is the remote's (`group/sub/app`, `acme/app`)
  return p.path === r.path && (p.host === undefined || p.host === r.host);
}

/**
 * The profiles whose repository is one of the remotes. Full matches (host and full path; a bare name on its whole
 * path) win. Otherwise the `owner/name` slug decides, except for a profile whose host is a remote's host (there the
 * full path already said no), and only while the profiles it finds are not on two different hosts.
 */
export function matchProfiles<T extends { repositoryName?: string }>(profiles: readonly T[], remotes: readonly string[]): T[] {
  const ids = remotes.map(repositoryId).filter((r): r is RepositoryId => r !== undefined);
  if (!ids.length) {
    return [];
  }
  const withIds = profiles.map((p) => ({ p, id: repositoryId(p.repositoryName) }));
  const full = withIds.filter(({ id }) => id && ids.some((r) => fullMatch(id, r)));
  if (full.length) {
    return full.map(({ p }) => p);
  }
  const remoteHosts = new Set(ids.map((r) => r.host));
  const slugs = new Set(ids.map(slugOf));
  const bySlug = withIds.filter(({ id }) => id && slugs.has(slugOf(id)) && !(id.host && remoteHosts.has(id.host)));
  const hosts = new Set(bySlug.map(({ id }) => id?.host).filter((h) => h !== undefined));
  return hosts.size > 1 ? [] : bySlug.map(({ p }) => p);
}

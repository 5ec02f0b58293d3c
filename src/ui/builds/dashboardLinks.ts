/** Appcircle dashboard links (docs/appcircle-api.md §9) for Open in Appcircle. */

/** The build profile's page, or the build module's home without a profile. */
export function profilePageUrl(dashboardUrl: string, profileId: string | undefined): string {
  const base = dashboardUrl.replace(/\/+$/, '');
  return profileId ? `${base}/build/detail/${encodeURIComponent(profileId)}` : `${base}/build`;
}

/**
 * A build's log page in the dashboard (§9, from the Docs' webhook and custom-script pages). A running build is
 * named `fakeID{queueItemId}`; a finished one by its build id. Without a commit id it is the profile's page.
 */
export function buildLogPageUrl(
  dashboardUrl: string,
  b: { profileId?: string; commitId?: string; buildId?: string; queueItemId?: string; running: boolean },
): string {
  const buildRef = b.running ? (b.queueItemId ? `fakeID${b.queueItemId}` : undefined) : (b.buildId ?? b.queueItemId);
  if (!b.profileId || !b.commitId || !buildRef) {
    return profilePageUrl(dashboardUrl, b.profileId);
  }
  const e = encodeURIComponent;
  return `${profilePageUrl(dashboardUrl, b.profileId)}?modal=/build/modal/Logs&profileId=${e(b.profileId)}&commitId=${e(b.commitId)}&buildId=${e(buildRef)}&scope=build&method=get`;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * Whether a dashboard link may be opened (security review S23): the same rule as the API URLs (src/api/http/httpClient.ts
 * checkUrlAllowed): https, or http to this machine or with appcircle.allowInsecureHttp; never with a user name or
 * password in it, never another scheme.
 */
export function isOpenableDashboardUrl(url: string, allowInsecureHttp: boolean): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password || !u.hostname) {
    return false;
  }
  return u.protocol === 'https:' || (u.protocol === 'http:' && (allowInsecureHttp || LOOPBACK.test(u.hostname)));
}

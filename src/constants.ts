/** Command, view and context-key ids; a unit test checks them against package.json. */
export const CommandIds = {
  login: 'appcircle.login',
  loginWithPat: 'appcircle.loginWithPat',
  loginWithApiKey: 'appcircle.loginWithApiKey',
  logout: 'appcircle.logout',
  selectOrganization: 'appcircle.selectOrganization',
  showLog: 'appcircle.showLog',
  refresh: 'appcircle.refresh',
  startBuild: 'appcircle.startBuild',
  rebuild: 'appcircle.rebuild',
  cancelBuild: 'appcircle.cancelBuild',
  showBuildLog: 'appcircle.showBuildLog',
  downloadArtifacts: 'appcircle.downloadArtifacts',
  openInAppcircle: 'appcircle.openInAppcircle',
  copyBuildId: 'appcircle.copyBuildId',
  loadMore: 'appcircle.loadMore',
  retry: 'appcircle.retry',
  goToFirstError: 'appcircle.goToFirstError',
  showBuildProblems: 'appcircle.showBuildProblems',
  buildThisCommit: 'appcircle.buildThisCommit',
  openWalkthrough: 'appcircle.openWalkthrough',
  refreshSigningIdentities: 'appcircle.refreshSigningIdentities',
  refreshDistribution: 'appcircle.distribution.refresh',
  editTestingGroups: 'appcircle.distribution.editTestingGroups',
  publishBeta: 'appcircle.store.publishBeta',
  publishLive: 'appcircle.store.publishLive',
  unpublish: 'appcircle.store.unpublish',
  copyDownloadLink: 'appcircle.store.copyDownloadLink',
  openDistributionInAppcircle: 'appcircle.distribution.openInAppcircle',
  sendToTestingDistribution: 'appcircle.sendToTestingDistribution',
  uploadToTestingDistribution: 'appcircle.uploadToTestingDistribution',
  uploadToEnterpriseStore: 'appcircle.uploadToEnterpriseStore',
} as const;

/**
 * The Language Model tools (package.json contributes.languageModelTools; a unit test checks them): what the editor's
 * agent can ask of Appcircle. Each does what the matching command does, through the same services (and asks before it writes).
 */
export const ToolNames = {
  profiles: 'appcircle_listBuildProfiles',
  builds: 'appcircle_listBuilds',
  commitBuild: 'appcircle_getCommitBuild',
  buildErrors: 'appcircle_getBuildErrors',
  buildLog: 'appcircle_getBuildLog',
  startBuild: 'appcircle_startBuild',
  cancelBuild: 'appcircle_cancelBuild',
  signingIdentities: 'appcircle_listSigningIdentities',
  distribution: 'appcircle_listDistribution',
  sendToTesting: 'appcircle_sendToTestingDistribution',
} as const;

export type ToolName = (typeof ToolNames)[keyof typeof ToolNames];

export const ViewIds = {
  container: 'appcircle',
  builds: 'appcircle.builds',
  activeBuilds: 'appcircle.activeBuilds',
  distribution: 'appcircle.distribution',
  signingIdentities: 'appcircle.signingIdentities',
} as const;

export interface ContextKeys {
  'appcircle.signedIn': boolean;
  'appcircle.canSwitchOrganization': boolean;
  'appcircle.noProfiles': boolean;
  'appcircle.noSigningIdentities': boolean;
}

/** The scheme of a build's log document, and the language of log documents and of logs saved to disk. */
export const LOG_SCHEME = 'appcircle-log';
export const LOG_LANGUAGE = 'appcircle-log';

export const AUTH_PROVIDER_ID = 'appcircle';
export const AUTH_PROVIDER_LABEL = 'Appcircle';
export const STATUS_BAR_ID = 'appcircle.organization';
/** The status-bar item of the build of the commit you are on, beside the organization. */
export const COMMIT_STATUS_BAR_ID = 'appcircle.commitBuild';
export const NO_FOLDER_WORKSPACE_ID = 'no-folder';
/** Environment variables whose ready-made access token can start a session (ARCHITECTURE.md §3). */
export const ENV_TOKEN_VARIABLES = ['AC_ACCESS_TOKEN', 'AC_API_KEY_TOKEN'] as const;

/**
 * The Testing Distribution and Enterprise App Store shapes the views, commands and tools read (the wire shapes of
 * docs/appcircle-api.md, named for the ui layer, which reaches the api layer only through core).
 */
export type {
  DistributionProfileDto as DistributionProfile,
  DistributionVersionDto as DistributionVersion,
} from '../../api/distributionApi';
export type { StoreProfileDto as StoreProfile, StoreVersionDto as StoreVersion } from '../../api/storeApi';
export { PUBLISH_TYPE } from '../../api/storeApi';

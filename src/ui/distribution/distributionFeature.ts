/**
 * Testing Distribution and the Enterprise App Store in the features part: their services (one gateway through the
 * session), the Distribution view, its commands, and the sends from a build or a file. src/features.ts builds one
 * and adds its commands to the command table.
 */
import type * as vscode from 'vscode';
import type { BuildService } from '../../core/builds/buildService';
import { distributionRequest } from '../../core/distribution/distributionRequest';
import { DistributionService, StoreService } from '../../core/distribution/distributionService';
import { UploadService } from '../../core/distribution/uploadService';
import { DisposableBase } from '../../core/events';
import type { SessionService } from '../../core/session/sessionService';
import { CommandIds } from '../../constants';
import type { Operation } from '../errors/errorMessages';
import type { BuildRef } from '../builds/buildRef';
import { DistributionCommands } from './distributionCommands';
import { DistributionTreeProvider } from './distributionTree';
import { SendToTesting } from './sendToTesting';

type Add = (id: (typeof CommandIds)[keyof typeof CommandIds], handler: (...args: unknown[]) => Promise<unknown>, op?: Operation) => void;
type AddBuild = (
  id: (typeof CommandIds)[keyof typeof CommandIds],
  handler: (ref: BuildRef | undefined) => Promise<unknown>,
  op?: Operation,
) => void;

export interface DistributionHost {
  readonly session: SessionService;
  readonly builds: BuildService;
  readonly state: vscode.Memento;
  readonly dashboardUrl: () => string;
  /** The build of the commit checked out here, when there is one. */
  readonly commitBuild: () => BuildRef | undefined;
}

export class DistributionFeature extends DisposableBase {
  readonly testing: DistributionService;
  readonly store: StoreService;
  readonly uploads: UploadService;
  readonly tree: DistributionTreeProvider;
  readonly send: SendToTesting;
  private readonly commands: DistributionCommands;

  constructor(host: DistributionHost) {
    super();
    const request = distributionRequest(host.session);
    this.testing = new DistributionService(request);
    this.store = new StoreService(request);
    this.uploads = new UploadService(request);
    this.tree = this._register(new DistributionTreeProvider(this.testing, this.store, host.session, undefined, host.dashboardUrl));
    this.commands = new DistributionCommands(this.testing, this.store, this.tree, host.dashboardUrl);
    const tree = this.tree;
    this.send = new SendToTesting({
      session: host.session,
      builds: host.builds,
      testing: this.testing,
      store: this.store,
      uploads: this.uploads,
      state: host.state,
      refreshView: () => tree.refresh(),
      commitBuild: host.commitBuild,
    });
  }

  /** The commands, in the features part's command table (errors put in words there). */
  addCommands(add: Add, addBuild: AddBuild): void {
    const c = this.commands;
    add(CommandIds.refreshDistribution, (n) => Promise.resolve(c.refresh(n)), 'load');
    add(CommandIds.editTestingGroups, (n) => c.editTestingGroups(n));
    add(CommandIds.publishBeta, (n) => c.publish(n, 'Beta'));
    add(CommandIds.publishLive, (n) => c.publish(n, 'Live'));
    add(CommandIds.unpublish, (n) => c.unpublish(n));
    add(CommandIds.copyDownloadLink, (n) => c.copyDownloadLink(n), 'load');
    add(CommandIds.openDistributionInAppcircle, (n) => c.openInAppcircle(n));
    addBuild(CommandIds.sendToTestingDistribution, (r) => this.send.sendBuild(r), 'upload');
    add(CommandIds.uploadToTestingDistribution, (u) => this.send.uploadFile(u, 'testing'), 'upload');
    add(CommandIds.uploadToEnterpriseStore, (u) => this.send.uploadFile(u, 'store'), 'upload');
  }
}

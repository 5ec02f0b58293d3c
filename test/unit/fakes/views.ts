/**
 * What the extension puts on screen besides prompts: status bar items, output (log) channels and tree views. The
 * create functions are sinon spies; `statusBarItems` and `logChannels` are what they returned, in order.
 */
import * as sinon from 'sinon';
import { EventEmitter } from './basics';
import { forget, onReset } from './state';

export class FakeStatusBarItem {
  text = '';
  tooltip: unknown;
  command: unknown;
  name?: string;
  accessibilityInformation: unknown;
  visible = false;
  constructor(readonly id: string) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

export class FakeLogChannel {
  readonly lines: string[] = [];
  constructor(readonly name: string) {}
  trace(m: string): void {
    this.lines.push(`[trace] ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`[debug] ${m}`);
  }
  info(m: string): void {
    this.lines.push(`[info] ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`[warning] ${m}`);
  }
  error(m: string): void {
    this.lines.push(`[error] ${m}`);
  }
  appendLine(m: string): void {
    this.lines.push(m);
  }
  show(): void {}
  dispose(): void {}
}

export class FakeTreeView {
  visible = true;
  badge: { value: number; tooltip: string } | undefined;
  description: string | undefined;
  private readonly vis = new EventEmitter<{ visible: boolean }>();
  readonly onDidChangeVisibility = this.vis.event;
  constructor(
    readonly id: string,
    readonly provider: unknown,
  ) {}
  dispose(): void {
    this.vis.dispose();
  }
}

export const views = {
  createStatusBarItem: sinon.spy((id: string) => new FakeStatusBarItem(id)),
  createOutputChannel: sinon.spy((name: string) => new FakeLogChannel(name)),
  createTreeView(id: string, o: { treeDataProvider: unknown }): FakeTreeView {
    const v = new FakeTreeView(id, o.treeDataProvider);
    viewsFake.treeViews.set(id, v);
    return v;
  },
};

export const viewsFake = {
  treeViews: new Map<string, FakeTreeView>(),
  /** Every status bar item created, in order; `= []` forgets them (a second window's are then the only ones). */
  get statusBarItems(): FakeStatusBarItem[] {
    return [...views.createStatusBarItem.returnValues];
  },
  set statusBarItems(none: FakeStatusBarItem[]) {
    forget(none, views.createStatusBarItem);
  },
  get logChannels(): FakeLogChannel[] {
    return [...views.createOutputChannel.returnValues];
  },
};

onReset(() => {
  viewsFake.treeViews.clear();
  viewsFake.statusBarItems = [];
  views.createOutputChannel.resetHistory();
});

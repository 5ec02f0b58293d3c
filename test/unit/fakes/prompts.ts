/**
 * What the extension asks the user, and what the test answers: information/warning/error messages, input boxes,
 * quick picks, the open dialog and progress. Tests queue answers (`inputAnswers`, `pickAnswers`, `messageAnswers`,
 * `openDialogAnswers`); sinon spies on the window functions record what was shown, read back as `messages` and
 * `inputRequests`.
 */
import * as sinon from 'sinon';
import { CancellationTokenSource, Uri } from './basics';
import { forget, onReset } from './state';

export interface ShownMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  actions: string[];
}

interface InputOptions {
  title?: string;
  prompt?: string;
  value?: string;
  password?: boolean;
  validateInput?: (v: string) => unknown;
}

function message(_message: string, ..._actions: unknown[]): Promise<string | undefined> {
  return Promise.resolve(promptsFake.messageAnswers.shift());
}

const shown = {
  info: sinon.spy(message),
  warning: sinon.spy(message),
  error: sinon.spy(message),
  /** A problem the input box's validateInput found: a real box would keep asking, this one shows it and cancels. */
  validation: sinon.spy((_problem: string): void => undefined),
};

async function showInputBox(o: InputOptions): Promise<string | undefined> {
  const answer = promptsFake.inputAnswers.shift();
  if (answer !== undefined && o.validateInput) {
    const problem = await o.validateInput(answer);
    if (problem) {
      shown.validation(typeof problem === 'string' ? problem : JSON.stringify(problem));
      return undefined;
    }
  }
  return answer;
}

async function showQuickPick<T extends { label: string }>(
  items: T[] | Promise<T[]>,
  o?: { title?: string; placeHolder?: string },
): Promise<T | undefined> {
  const list = await items;
  promptsFake.pickRequests.push({ items: list, title: o?.title, placeHolder: o?.placeHolder });
  const chooser = promptsFake.pickAnswers.shift();
  return chooser ? (chooser(list) as T | undefined) : undefined;
}

export const prompts = {
  showInformationMessage: shown.info,
  showWarningMessage: shown.warning,
  showErrorMessage: shown.error,
  showInputBox: sinon.spy(showInputBox),
  showQuickPick,
  async withProgress<R>(_o: unknown, task: (p: { report(v: unknown): void }, token: unknown) => Promise<R>): Promise<R> {
    return task({ report: () => undefined }, new CancellationTokenSource().token);
  },
  showOpenDialog(): Promise<Uri[] | undefined> {
    const answer = promptsFake.openDialogAnswers.shift();
    // a path is a local folder; `scheme://…` a folder of another file system (a virtual workspace's)
    return Promise.resolve(answer ? [answer.includes('://') ? Uri.parse(answer) : Uri.file(answer)] : undefined);
  },
};

function shownMessages(): ShownMessage[] {
  const calls = (['info', 'warning', 'error'] as const).flatMap((severity) =>
    shown[severity].getCalls().map((call) => ({ call, severity, message: call.args[0], actions: call.args.slice(1) })),
  );
  const problems = shown.validation.getCalls().map((call) => ({
    call,
    severity: 'warning' as const,
    message: `validation: ${call.args[0]}`,
    actions: [] as unknown[],
  }));
  return [...calls, ...problems]
    .sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1))
    .map(({ severity, message: m, actions }) => ({
      severity,
      message: m,
      actions: actions.filter((r): r is string => typeof r === 'string'),
    }));
}

export const promptsFake = {
  inputAnswers: [] as (string | undefined)[],
  pickAnswers: [] as ((items: { label: string }[]) => unknown)[],
  messageAnswers: [] as (string | undefined)[],
  openDialogAnswers: [] as string[],
  pickRequests: [] as { items: { label: string; description?: string }[]; title?: string; placeHolder?: string }[],
  /** Every message shown, in order (validation problems of input boxes as warnings); `= []` forgets them. */
  get messages(): ShownMessage[] {
    return shownMessages();
  },
  set messages(none: ShownMessage[]) {
    forget(none, ...Object.values(shown));
  },
  get inputRequests(): InputOptions[] {
    return prompts.showInputBox.args.map(([o]) => o);
  },
};

onReset(() => {
  promptsFake.inputAnswers = [];
  promptsFake.pickAnswers = [];
  promptsFake.messageAnswers = [];
  promptsFake.openDialogAnswers = [];
  promptsFake.pickRequests = [];
  promptsFake.messages = [];
  prompts.showInputBox.resetHistory();
});

import * as vscode from 'vscode';
import { redact } from '../core/errors';
import type { Logger } from '../core/ports';

/** Logger over the "Appcircle" LogOutputChannel; every line goes through redact(). */
export class OutputLogger implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(channel?: vscode.LogOutputChannel) {
    this.channel = channel ?? vscode.window.createOutputChannel('Appcircle', { log: true });
  }

  trace(message: string): void {
    this.channel.trace(redact(message));
  }
  debug(message: string): void {
    this.channel.debug(redact(message));
  }
  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string): void {
    this.channel.error(redact(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}

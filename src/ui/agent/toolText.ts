/**
 * What a Language Model tool answers: one text part a model can read, a sentence and then the data as JSON (which
 * quotes every server string, so a commit message cannot pose as the tool's own words), bounded in size, and with
 * secrets masked however they got there (a build log may print one). Also the small input readers: the editor checks
 * the input against the tool's schema, but the schema is ours and the model's input is data, so it is read again.
 */
import * as vscode from 'vscode';
import { redact } from '../../core/errors';
import { MAX_MESSAGE_LENGTH, plain } from '../../core/plainText';

/** No tool answer is longer than this many UTF-8 bytes (the log excerpt included). */
export const MAX_RESULT_BYTES = 16 * 1024;

/** `s` cut to at most `max` UTF-8 bytes at a character border; `cut` says whether anything was left out. */
export function capUtf8(s: string, max: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(s, 'utf8') <= max) {
    return { text: s, cut: false };
  }
  let text = Buffer.from(s, 'utf8').subarray(0, max).toString('utf8');
  // a character cut in half decodes to U+FFFD at the end: drop it (and a lone high surrogate)
  text = text.replace(/\ufffd$/, '').replace(/[\ud800-\udbff]$/, '');
  return { text, cut: true };
}

/** A server or git string for a tool answer: inert (plainText.ts), one line, at most `max` characters. */
export function data(s: string | undefined, max = MAX_MESSAGE_LENGTH): string | undefined {
  const t = plain(s, max);
  return t === '' ? undefined : t;
}

/**
 * The answer: a sentence (already in the user's language), its data, and a block of log lines after it (fenced, so
 * that no line can pose as the tool's words: a fence inside the lines is broken), masked and cut to MAX_RESULT_BYTES.
 */
export function answer(sentence: string, payload?: unknown, block?: string): vscode.LanguageModelToolResult {
  let body = payload === undefined ? sentence : `${sentence}\n${JSON.stringify(payload, undefined, 1)}`;
  if (block !== undefined) {
    body += `\n\`\`\`log\n${block.replace(/`(?=``)/g, '`\u200b')}\n\`\`\``;
  }
  const masked = redact(body);
  const { text, cut } = capUtf8(masked, MAX_RESULT_BYTES - 200);
  const final = cut
    ? `${text}\n${vscode.l10n.t('(This answer was cut at {0} KB; ask for less, such as fewer builds or one step of the log.)', MAX_RESULT_BYTES / 1024)}`
    : text;
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(final)]);
}

/** The text of an answer (tests, and the tools that wrap another's answer). */
export function answerText(r: vscode.LanguageModelToolResult): string {
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

type Input = Record<string, unknown>;

/** The tool's input as an object (anything else is an empty input). */
export function inputOf(v: unknown): Input {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Input) : {};
}

/** A string field, trimmed; undefined when missing, empty, not a string, or longer than `max`. */
export function textField(input: Input, key: string, max = 300): string | undefined {
  const v = input[key];
  if (typeof v !== 'string') {
    return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
  }
  const t = v.trim();
  return t === '' || t.length > max ? undefined : t;
}

/** An integer field clamped to [min, max]; `fallback` when missing or not a number. */
export function intField(input: Input, key: string, min: number, max: number, fallback: number): number {
  const v = input[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : fallback;
}

/** A boolean field: true, or the string "true". */
export function flagField(input: Input, key: string): boolean {
  const v = input[key];
  return v === true || v === 'true';
}

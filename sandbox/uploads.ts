/**
 * The signed-URL upload of the sandbox (docs/appcircle-api.md §11.1): U1 announces a file and hands out an
 * absolute `uploadUrl` on a second origin (its own port, like object storage), which takes the bytes by PUT (raw
 * body) or POST (a MinIO-style form: the `signParameters` fields, then `file` last) and refuses any request that
 * carries an Authorization header. Bodies are counted as they stream, never held in memory. U3 then checks that
 * the announced size arrived. The same origin serves the E7 download links without auth.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { Router } from './http';
import { parseJsonObject, sendError, sendJson } from './http';
import { FormCounter } from './multipart';
import type { RequestLogEntry } from './state';

export type UploadMethod = 'PUT' | 'POST';

export interface UploadOptions {
  /** How U1 tells clients to upload (default 'PUT'). */
  mode?: UploadMethod;
  /** U1 answers "The file is too large" above this many bytes (default 3 GiB). */
  maxFileSize?: number;
  /** Polls a task answers 1 (Begin) before it ends (default 2). */
  pollsToFinish?: number;
}

/** Upload faults (cleared by `reset()` or `clearFaults()`). */
export interface UploadFaults {
  /** The storage origin drops the connection after receiving this many body bytes. */
  cutAfterBytes?: number;
  /** How many uploads `cutAfterBytes` cuts (default: all while set). */
  cutTimes?: number;
  /** The storage origin answers 403 (the signed URL has expired). */
  expiredUrl?: boolean;
  /** U3 commitFileUpload answers this status. */
  commitStatus?: 500 | 502 | 503;
  /** Tasks started from now on: 'fail' ends in 2 (Canceled), 'hang' stays 1 (Begin) for ever. */
  task?: 'fail' | 'hang';
}

export interface PendingUpload {
  id: string;
  orgId: string;
  module: 'distribution' | 'store';
  /** The TD profile the upload was announced for (TD9). */
  profileId?: string;
  fileName: string;
  fileSize: number;
  method: UploadMethod;
  signature: string;
  signParameters: Record<string, string> | null;
  received: number;
  complete: boolean;
  committed: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 3 * 1024 ** 3;
export const TOO_LARGE = 'The file is too large';

export class UploadWorld {
  /** The storage origin, e.g. http://127.0.0.1:54321 (set when it listens). */
  origin = '';
  mode: UploadMethod;
  maxFileSize: number;
  pollsToFinish: number;
  faults: UploadFaults = {};
  readonly uploads = new Map<string, PendingUpload>();
  private readonly downloads = new Map<string, { fileName: string; bytes: number }>();

  constructor(private readonly initial: UploadOptions = {}) {
    this.mode = initial.mode ?? 'PUT';
    this.maxFileSize = initial.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.pollsToFinish = initial.pollsToFinish ?? 2;
  }

  reset(): void {
    this.mode = this.initial.mode ?? 'PUT';
    this.maxFileSize = this.initial.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.pollsToFinish = this.initial.pollsToFinish ?? 2;
    this.faults = {};
    this.uploads.clear();
    this.downloads.clear();
  }

  setOptions(o: UploadOptions): void {
    this.mode = o.mode ?? this.mode;
    this.maxFileSize = o.maxFileSize ?? this.maxFileSize;
    this.pollsToFinish = o.pollsToFinish ?? this.pollsToFinish;
  }

  /** Adds upload faults (merged into those set). */
  setFaults(f: UploadFaults): void {
    this.faults = { ...this.faults, ...f };
  }

  clearFaults(): void {
    this.faults = {};
  }

  /** U1: an answer `{status, body}` for the announced `fileSize` and `fileName`. */
  announce(orgId: string, module: PendingUpload['module'], query: URLSearchParams, profileId?: string): { status: number; body: unknown } {
    const fileName = (query.get('fileName') ?? query.get('filename') ?? '').trim();
    const sizeText = query.get('fileSize') ?? query.get('filesize') ?? '';
    const fileSize = Number(sizeText);
    if (!fileName || !/^\d+$/.test(sizeText.trim())) {
      return { status: 400, body: { message: 'fileSize (bytes) and fileName are required.' } };
    }
    if (fileSize > this.maxFileSize) {
      const message = `${TOO_LARGE}: ${fileSize} bytes, the limit is ${this.maxFileSize} bytes.`;
      return { status: 400, body: { message, error: message } };
    }
    const id = randomUUID();
    const signature = randomBytes(16).toString('hex');
    const method = this.mode;
    const signParameters =
      method === 'POST'
        ? {
            key: `uploads/${id}/${fileName}`,
            policy: Buffer.from(JSON.stringify({ fileId: id, size: fileSize })).toString('base64'),
            'x-amz-algorithm': 'AWS4-HMAC-SHA256',
            'x-amz-signature': signature,
          }
        : null;
    this.uploads.set(id, {
      id,
      orgId,
      module,
      profileId,
      fileName,
      fileSize,
      method,
      signature,
      signParameters,
      received: 0,
      complete: false,
      committed: false,
    });
    const uploadUrl = method === 'PUT' ? `${this.origin}/upload/${id}?X-Sandbox-Signature=${signature}` : `${this.origin}/upload/${id}`;
    return { status: 200, body: { fileId: id, uploadUrl, configuration: { httpMethod: method, signParameters } } };
  }

  /** U3's checks: the upload exists for this module (and profile), arrived whole, and was not committed yet. */
  commitProblem(
    orgId: string,
    module: PendingUpload['module'],
    body: Record<string, unknown> | undefined,
    profileId?: string,
  ): { status: number; message: string } | PendingUpload {
    const fileId = typeof body?.fileId === 'string' ? body.fileId : '';
    const u = this.uploads.get(fileId.toLowerCase()) ?? this.uploads.get(fileId);
    if (!fileId || typeof body?.fileName !== 'string' || !body.fileName) {
      return { status: 400, message: 'fileId and fileName are required.' };
    }
    if (!u || u.orgId !== orgId || u.module !== module || (profileId !== undefined && u.profileId !== profileId)) {
      return { status: 404, message: `Unknown fileId ${fileId}.` };
    }
    if (u.committed) {
      return { status: 400, message: `The file ${fileId} was already committed.` };
    }
    if (!u.complete) {
      return { status: 400, message: `The upload of ${fileId} is not complete: ${u.received} of ${u.fileSize} bytes arrived.` };
    }
    u.committed = true;
    return u;
  }

  /** A download link (E7) on the storage origin, fetched without auth. */
  downloadLink(fileName: string, bytes = 64 * 1024): string {
    const token = randomBytes(12).toString('hex');
    this.downloads.set(token, { fileName, bytes });
    return `${this.origin}/download/${token}/${encodeURIComponent(fileName)}`;
  }

  /** The storage origin's request handler; `log` records each request (host 'upload'). */
  handler(log: (e: RequestLogEntry) => void): (req: http.IncomingMessage, res: http.ServerResponse) => void {
    return (req, res) => {
      const started = Date.now();
      const url = new URL(`http://storage${req.url ?? '/'}`);
      const entry: RequestLogEntry = {
        time: new Date(started).toISOString(),
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries([...url.searchParams.keys()].map((k) => [k, '…'])), // the signature is a secret
        status: 0,
        host: 'upload',
        hasAuth: req.headers.authorization !== undefined,
        bearerEmpty: false,
        contentType: req.headers['content-type'],
        accept: req.headers.accept,
        userAgent: req.headers['user-agent'],
        bodyBytes: 0,
        ms: 0,
      };
      let logged = false;
      const done = (status: number) => {
        if (!logged) {
          logged = true;
          entry.status = status;
          entry.ms = Date.now() - started;
          log(entry);
        }
      };
      res.on('finish', () => done(res.statusCode));
      res.on('close', () => done(res.writableFinished ? res.statusCode : -1));
      void this.serve(req, res, url, entry).catch((e: unknown) => {
        if (!res.headersSent) {
          storageError(res, 500, 'InternalError', e instanceof Error ? e.message : String(e));
        } else {
          res.destroy();
        }
      });
    };
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL, entry: RequestLogEntry): Promise<void> {
    if (req.headers.authorization !== undefined) {
      await drain(req, entry);
      storageError(res, 400, 'InvalidArgument', 'The storage origin refuses requests that carry an Authorization header.');
      return;
    }
    const dl = /^\/download\/([0-9a-f]+)(?:\/.*)?$/.exec(url.pathname);
    if (dl && (req.method === 'GET' || req.method === 'HEAD')) {
      const d = this.downloads.get(dl[1] ?? '');
      if (!d) {
        storageError(res, 404, 'NoSuchKey', 'The download link is unknown.');
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': d.bytes,
        'Content-Disposition': `attachment; filename="${d.fileName.replace(/"/g, '')}"`,
      });
      res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(d.bytes, 0x41));
      return;
    }
    const m = /^\/upload\/([0-9a-f-]+)$/.exec(url.pathname);
    const u = m ? this.uploads.get(m[1] ?? '') : undefined;
    if (!u) {
      await drain(req, entry);
      storageError(res, 404, 'NoSuchUpload', 'No upload is announced at this URL.');
      return;
    }
    if (this.faults.expiredUrl) {
      await drain(req, entry);
      storageError(res, 403, 'AccessDenied', 'Request has expired');
      return;
    }
    if (req.method !== u.method) {
      await drain(req, entry);
      storageError(res, 405, 'MethodNotAllowed', `This upload URL takes ${u.method}, not ${req.method}.`);
      return;
    }
    if (u.method === 'PUT' && url.searchParams.get('X-Sandbox-Signature') !== u.signature) {
      await drain(req, entry);
      storageError(res, 403, 'SignatureDoesNotMatch', 'The signature of the upload URL does not match.');
      return;
    }
    const socket = req.socket; // a body read stopped early detaches it from req
    const cut = this.takeCut();
    const result = u.method === 'PUT' ? await this.receivePut(req, entry, cut) : await this.receiveForm(req, u, entry, cut);
    if (result === null) {
      socket.destroy();
      return;
    }
    if (typeof result === 'string') {
      storageError(res, 400, 'MalformedPOSTRequest', result);
      return;
    }
    if (result !== u.fileSize) {
      storageError(res, 400, 'IncompleteBody', `The body has ${result} bytes; ${u.fileSize} were announced.`);
      return;
    }
    u.received = result;
    u.complete = true;
    res.writeHead(u.method === 'PUT' ? 200 : 204, { ETag: `"${u.signature}"`, 'Content-Length': 0 });
    res.end();
  }

  private takeCut(): number | undefined {
    const n = this.faults.cutAfterBytes;
    if (n === undefined) {
      return undefined;
    }
    if (this.faults.cutTimes !== undefined) {
      this.faults.cutTimes--;
      if (this.faults.cutTimes <= 0) {
        this.faults = { ...this.faults, cutAfterBytes: undefined, cutTimes: undefined };
      }
    }
    return n;
  }

  /** Counts a raw body; null (cut) once `cut` bytes have arrived. */
  private async receivePut(req: http.IncomingMessage, entry: RequestLogEntry, cut: number | undefined): Promise<number | null> {
    let n = 0;
    try {
      for await (const c of req) {
        n += (c as Buffer).length;
        entry.bodyBytes = n;
        if (cut !== undefined && n >= cut) {
          return null;
        }
      }
    } catch {
      return null;
    }
    return n;
  }

  /** Reads a multipart form as it streams: the fields first (checked against signParameters), then `file` last. */
  private async receiveForm(
    req: http.IncomingMessage,
    u: PendingUpload,
    entry: RequestLogEntry,
    cut: number | undefined,
  ): Promise<number | string | null> {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b || !(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) {
      await drain(req, entry);
      return 'The POST upload must be multipart/form-data.';
    }
    const parser = new FormCounter(b);
    let total = 0;
    try {
      for await (const c of req) {
        total += (c as Buffer).length;
        entry.bodyBytes = total;
        if (cut !== undefined && total >= cut) {
          return null;
        }
        parser.push(c as Buffer);
      }
    } catch {
      return null;
    }
    const problem = parser.problem();
    if (problem) {
      return problem;
    }
    for (const [k, v] of Object.entries(u.signParameters ?? {})) {
      if (parser.fields[k] !== v) {
        return `The form field ${k} is missing or wrong (every signParameters field must come before the file).`;
      }
    }
    return parser.fileBytes;
  }
}

async function drain(req: http.IncomingMessage, entry: RequestLogEntry): Promise<void> {
  try {
    for await (const c of req) {
      entry.bodyBytes += (c as Buffer).length;
    }
  } catch {
    // gone
  }
}

/** An S3-style XML error, as object storage answers. */
function storageError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

/**
 * `POST /__sandbox/uploads {mode?, maxFileSize?, pollsToFinish?, nextDuplicate?, cutAfterBytes?, cutTimes?,
 * expiredUrl?, commitStatus?, task?}` (adds), `DELETE` clears the upload faults, `GET` reads options and faults.
 */
export function registerUploadControl(router: Router, uploads: UploadWorld, makeDuplicate: (n: number) => void): void {
  const state = () => ({
    mode: uploads.mode,
    maxFileSize: uploads.maxFileSize,
    pollsToFinish: uploads.pollsToFinish,
    faults: uploads.faults,
    uploadUrl: uploads.origin,
  });
  router.add('GET', '/__sandbox/uploads', (ctx) => sendJson(ctx.res, 200, state()), false);
  router.add(
    'DELETE',
    '/__sandbox/uploads',
    (ctx) => {
      uploads.clearFaults();
      sendJson(ctx.res, 200, state());
    },
    false,
  );
  router.add(
    'POST',
    '/__sandbox/uploads',
    (ctx) => {
      const b = parseJsonObject(ctx.body);
      const problem = !b ? 'The body must be a JSON object.' : uploadControlProblem(b);
      if (problem || !b) {
        sendError(ctx.res, 400, problem ?? 'The body must be a JSON object.');
        return;
      }
      const { mode, maxFileSize, pollsToFinish, nextDuplicate, ...faults } = b;
      uploads.setOptions({ mode: mode as UploadMethod, maxFileSize: maxFileSize as number, pollsToFinish: pollsToFinish as number });
      uploads.setFaults(faults);
      if (typeof nextDuplicate === 'number' || nextDuplicate === true) {
        makeDuplicate(nextDuplicate === true ? 1 : nextDuplicate);
      }
      sendJson(ctx.res, 200, state());
    },
    false,
  );
}

function uploadControlProblem(b: Record<string, unknown>): string | undefined {
  const numbers = ['maxFileSize', 'pollsToFinish', 'cutAfterBytes', 'cutTimes'];
  const known = [...numbers, 'mode', 'nextDuplicate', 'expiredUrl', 'commitStatus', 'task'];
  const unknown = Object.keys(b).find((k) => !known.includes(k));
  if (unknown) {
    return `Unknown setting ${unknown}: use ${known.join(', ')}.`;
  }
  if (b.mode !== undefined && b.mode !== 'PUT' && b.mode !== 'POST') {
    return "mode must be 'PUT' or 'POST'";
  }
  const badNumber = numbers.find((k) => b[k] !== undefined && (typeof b[k] !== 'number' || b[k] < 0));
  if (badNumber) {
    return `${badNumber} must be a number ≥ 0`;
  }
  if (b.commitStatus !== undefined && ![500, 502, 503].includes(b.commitStatus as number)) {
    return 'commitStatus must be 500, 502 or 503';
  }
  if (b.task !== undefined && b.task !== 'fail' && b.task !== 'hang') {
    return "task must be 'fail' or 'hang'";
  }
  if (b.expiredUrl !== undefined && typeof b.expiredUrl !== 'boolean') {
    return 'expiredUrl must be true or false';
  }
  return undefined;
}

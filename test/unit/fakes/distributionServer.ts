/**
 * A small in-test Appcircle for Testing Distribution, the Enterprise App Store and the signed-URL upload, until
 * the sandbox serves them: an API origin and a separate storage origin (another port), every request recorded,
 * and switches for the faults the tests need (storage 503 / reset / 403, a task that fails or never ends, writes
 * that answer 200 and change nothing).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Storage only: bytes received. */
  bytes: number;
}

interface Version {
  id: string;
  createdAt: string;
  createDate: string;
  version: string;
  publishType: number;
  message?: string;
  fileName?: string;
}

export interface FakeState {
  tdProfiles: { id: string; name: string; testingGroupIds: string[]; appVersions: Version[] }[];
  storeProfiles: { id: string; name: string; lastBinaryReceivedDate: string; versions: Version[] }[];
  groups: { id: string; name: string }[];
  files: Map<string, { profileId?: string; size: number; received: number; fileName: string }>;
  tasks: Map<string, { polls: number; outcome: 'ok' | 'fail' | 'never'; apply: () => void }>;
}

export interface Faults {
  /** Storage answers: a queue of 'ok' | 503 | 403 | 'reset' (after some bytes), consumed per request. */
  storage: (number | 'reset' | 'ok')[];
  ignoreWrites: boolean;
  taskOutcome: 'ok' | 'fail' | 'never';
  /** U1 refuses above this size with {message:"The file is too large"}. */
  maxFileBytes: number;
  /** Storage POST mode with these signParameters. */
  post?: Record<string, string>;
  /** Storage: count bytes but do not keep them (a 200 MB stream). */
  discard: boolean;
}

export interface FakeDistribution {
  apiUrl: string;
  storageOrigin: string;
  api: Recorded[];
  storage: Recorded[];
  state: FakeState;
  faults: Faults;
  stop(): Promise<void>;
}

/** The seed's dates: a day before the fake starts (older than any upload it sees). */
const now = (n: number) => new Date(Date.now() - 86_400_000 + n * 1000).toISOString();

function initialState(): FakeState {
  return {
    tdProfiles: [
      {
        id: 'td-1',
        name: 'QA',
        testingGroupIds: [],
        appVersions: [{ id: 'v-old', createdAt: now(1), createDate: now(1), version: '1.0', publishType: 0 }],
      },
    ],
    storeProfiles: [
      {
        id: 'st-1',
        name: 'Field',
        lastBinaryReceivedDate: now(1),
        versions: [{ id: 'sv-1', createdAt: now(1), createDate: now(1), version: '1.0', publishType: 0 }],
      },
    ],
    groups: [
      { id: 'g-1', name: 'Testers' },
      { id: 'g-2', name: 'Managers' },
    ],
    files: new Map(),
    tasks: new Map(),
  };
}

export async function startFakeDistribution(): Promise<FakeDistribution> {
  const state = initialState();
  const faults: Faults = { storage: [], ignoreWrites: false, taskOutcome: 'ok', maxFileBytes: 3 * 1024 ** 3, discard: false };
  const api: Recorded[] = [];
  const storage: Recorded[] = [];
  let seq = 0;
  let storageOrigin = '';

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const newVersion = (version: string): Version => {
    seq++;
    // made now: the upload service takes only versions created since its upload started
    const at = new Date(Date.now() + seq).toISOString();
    return { id: `new-${seq}`, createdAt: at, createDate: at, version, publishType: 0 };
  };

  const apiServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      api.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, bytes: body.length });
      const u = new URL(req.url ?? '/', 'http://x');
      const p = u.pathname.replace(/^\//, '');
      const action = u.searchParams.get('action');
      const m = (re: RegExp) => re.exec(p);
      let r: RegExpExecArray | null;
      if (req.method === 'GET' && p === 'distribution/v2/profiles') {
        return json(
          res,
          200,
          state.tdProfiles.map(({ appVersions: _v, ...rest }) => rest),
        );
      }
      if ((r = m(/^distribution\/v2\/profiles\/([^/]+)$/))) {
        const prof = state.tdProfiles.find((x) => x.id === r?.[1]);
        if (!prof) {
          return json(res, 404, { message: 'not found' });
        }
        if (req.method === 'PATCH') {
          const b = JSON.parse(body) as { testingGroupIds: string[] };
          if (!faults.ignoreWrites) {
            prof.testingGroupIds = b.testingGroupIds;
          }
          return json(res, 200, { id: prof.id });
        }
        return json(res, 200, prof);
      }
      if (p === 'distribution/v2/testing-groups') {
        return json(res, 200, state.groups);
      }
      if ((r = m(/^distribution\/v1\/profiles\/([^/]+)\/app-versions\/([^/]+)$/)) && action === 'updateMessage') {
        const v = state.tdProfiles.find((x) => x.id === r?.[1])?.appVersions.find((x) => x.id === r?.[2]);
        if (v && !faults.ignoreWrites) {
          v.message = (JSON.parse(body) as { message: string }).message;
        }
        return json(res, v ? 200 : 404, {});
      }
      if ((r = m(/^(?:distribution\/v1\/profiles\/([^/]+)|store\/v1\/profiles)\/app-versions$/))) {
        return upload(req, res, u, body, r[1]);
      }
      if (p === 'store/v2/profiles') {
        return json(
          res,
          200,
          state.storeProfiles.map(({ versions: _v, ...rest }) => rest),
        );
      }
      if ((r = m(/^store\/v2\/profiles\/([^/]+)\/app-versions$/))) {
        const prof = state.storeProfiles.find((x) => x.id === r?.[1]);
        const type = u.searchParams.get('publishtype');
        const want = type === 'Beta' ? 1 : type === 'Live' ? 2 : undefined;
        return json(
          res,
          prof ? 200 : 404,
          prof ? prof.versions.filter((v) => want === undefined || v.publishType === want) : { message: 'no' },
        );
      }
      if ((r = m(/^store\/v2\/profiles\/([^/]+)\/app-versions\/([^/]+)$/))) {
        const v = state.storeProfiles.find((x) => x.id === r?.[1])?.versions.find((x) => x.id === r?.[2]);
        if (!v) {
          return json(res, 404, { message: 'no version' });
        }
        if (action === 'download') {
          return json(res, 200, `${storageOrigin}/download/${v.id}?sig=secret`);
        }
        const b = JSON.parse(body || '{}') as { publishType?: unknown };
        if (!faults.ignoreWrites) {
          v.publishType = action === 'publish' ? Number(b.publishType) : 0;
        }
        return json(res, 200, v);
      }
      if ((r = m(/^task\/v1\/tasks\/([^/]+)$/))) {
        const t = state.tasks.get(r[1] ?? '');
        if (!t) {
          return json(res, 404, {});
        }
        t.polls++;
        if (t.outcome === 'never' || t.polls < 2) {
          return json(res, 200, { stateValue: 1, stateName: 'Begin' });
        }
        if (t.outcome === 'fail') {
          return json(res, 200, { stateValue: 2, stateName: 'Canceled' });
        }
        t.apply();
        t.apply = () => undefined;
        return json(res, 200, { stateValue: 3, stateName: 'Completed' });
      }
      json(res, 404, { message: `no route ${p}` });
    });
  });

  function upload(req: http.IncomingMessage, res: http.ServerResponse, u: URL, body: string, tdProfile?: string): void {
    const action = u.searchParams.get('action');
    if (req.method === 'GET' && action === 'uploadInformation') {
      const size = Number(u.searchParams.get('fileSize'));
      if (size > faults.maxFileBytes) {
        return json(res, 400, { message: 'The file is too large' });
      }
      const fileId = `file-${++seq}`;
      state.files.set(fileId, { profileId: tdProfile, size, received: 0, fileName: u.searchParams.get('fileName') ?? '' });
      const configuration = faults.post ? { httpMethod: 'POST', signParameters: faults.post } : { httpMethod: 'PUT', signParameters: null };
      return json(res, 200, { fileId, uploadUrl: `${storageOrigin}/bucket/${fileId}?X-Signature=topsecret123`, configuration });
    }
    if (req.method === 'POST' && action === 'commitFileUpload') {
      const b = JSON.parse(body) as { fileId: string; fileName: string };
      const f = state.files.get(b.fileId);
      if (!f || f.received !== f.size) {
        return json(res, 400, { message: 'file not uploaded' });
      }
      const taskId = `task-${++seq}`;
      const createNew = u.searchParams.get('createNewProfile') === 'true';
      const storeProfile = u.searchParams.get('profileId');
      const apply = () => {
        const v = newVersion('2.0');
        if (tdProfile) {
          state.tdProfiles.find((x) => x.id === tdProfile)?.appVersions.unshift(v);
        } else if (createNew) {
          state.storeProfiles.push({ id: `st-new-${seq}`, name: f.fileName, lastBinaryReceivedDate: v.createDate, versions: [v] });
        } else {
          const sp = state.storeProfiles.find((x) => x.id === storeProfile);
          sp?.versions.unshift(v);
          if (sp) {
            sp.lastBinaryReceivedDate = v.createDate;
          }
        }
      };
      state.tasks.set(taskId, { polls: 0, outcome: faults.taskOutcome, apply });
      return json(res, 200, { taskId });
    }
    json(res, 400, { message: 'bad action' });
  }

  const storageServer = http.createServer((req, res) => {
    const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '', bytes: 0 };
    storage.push(rec);
    const fault = faults.storage.shift() ?? 'ok';
    const fileId = /\/bucket\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      rec.bytes += c.length;
      if (!faults.discard) {
        chunks.push(c);
      }
      if (fault === 'reset' && rec.bytes > 1000) {
        req.socket.destroy();
      }
    });
    req.on('end', () => {
      rec.body = faults.discard ? '' : Buffer.concat(chunks).toString('latin1');
      if (fault === 503 || fault === 403) {
        res.writeHead(fault, { 'content-type': 'application/xml' });
        res.end(`<Error><Message>${fault === 403 ? 'Request has expired' : 'Slow down'}</Message></Error>`);
        return;
      }
      const f = state.files.get(fileId);
      if (f) {
        const expected = faults.post
          ? rec.bytes -
            (rec.body.indexOf('\r\n\r\n', rec.body.indexOf('name="file"')) + 4) -
            (rec.body.length - rec.body.lastIndexOf('\r\n--'))
          : rec.bytes;
        f.received = faults.post && !faults.discard ? expected : rec.bytes;
      }
      res.writeHead(200);
      res.end();
    });
  });

  const listen = (s: http.Server) =>
    new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const apiPort = await listen(apiServer);
  const storagePort = await listen(storageServer);
  storageOrigin = `http://127.0.0.1:${storagePort}`;
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    storageOrigin,
    api,
    storage,
    state,
    faults,
    stop: async () => {
      apiServer.closeAllConnections();
      storageServer.closeAllConnections();
      await Promise.all([new Promise((r) => apiServer.close(r)), new Promise((r) => storageServer.close(r))]);
    },
  };
}

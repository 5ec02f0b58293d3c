/**
 * A 200 MB artifact: the build's artifacts zip streamed to a temporary file, the `.ipa` entry opened and uploaded
 * (U1 → signed-URL PUT → U3 → task) to the in-test Appcircle on loopback. The figure is the heap's growth at its
 * peak during the whole run (sampled on every progress report), and the upload's rate. Numbers only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DistributionApi } from '../src/api/distributionApi';
import { ApiClient } from '../src/api/http/httpClient';
import { StoreApi } from '../src/api/storeApi';
import { TasksApi } from '../src/api/tasksApi';
import { ArtifactsZip } from '../src/core/distribution/artifactBinaries';
import { UploadService } from '../src/core/distribution/uploadService';
import { startFakeDistribution } from '../test/unit/fakes/distributionServer';
import type { Add } from './extensionFigures';

const SIZE = 200 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** A zip with one stored `App.ipa` of SIZE bytes, written in 1 MB pieces (never whole in memory). */
async function writeBigZip(file: string): Promise<void> {
  const piece = Buffer.alloc(CHUNK, 0x5a);
  let crc = 0;
  for (let i = 0; i < SIZE / CHUNK; i++) {
    crc = zlib.crc32(piece, crc);
  }
  const name = Buffer.from('build/App.ipa');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(SIZE, 18);
  local.writeUInt32LE(SIZE, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(SIZE, 20);
  central.writeUInt32LE(SIZE, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + SIZE, 16);
  const out = fs.createWriteStream(file);
  const write = (b: Buffer) => new Promise<void>((resolve, reject) => out.write(b, (e) => (e ? reject(e) : resolve())));
  await write(Buffer.concat([local, name]));
  for (let i = 0; i < SIZE / CHUNK; i++) {
    await write(piece);
  }
  await write(Buffer.concat([central, name, end]));
  await new Promise<void>((resolve) => out.end(resolve));
}

export async function distributionFigure(add: Add): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appcircle-bench-upload-'));
  const fd = await startFakeDistribution();
  fd.faults.discard = true;
  try {
    const zipFile = path.join(dir, 'artifacts.zip');
    await writeBigZip(zipFile);
    const client = new ApiClient({ baseUrl: fd.apiUrl, getToken: () => Promise.resolve('bench-token'), timeoutMs: 30_000 });
    const apis = { distribution: new DistributionApi(client), store: new StoreApi(client), tasks: new TasksApi(client), client };
    const uploads = new UploadService((fn) => fn(apis), { pollMs: 20 });
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().heapUsed));
    const az = await ArtifactsZip.download({ artifacts: () => Promise.resolve({ stream: fs.createReadStream(zipFile) }) }, 'c', 'b');
    sample();
    const bin = az.binaries()[0];
    if (!bin) {
      throw new Error('no binary in the bench zip');
    }
    const started = Date.now();
    let sent = 0;
    await uploads.upload({
      target: { kind: 'testing', profileId: 'td-1' },
      fileName: bin.name,
      size: bin.size,
      open: () => az.openBinary(bin.path),
      onProgress: (n) => {
        sent = n;
        sample();
      },
    });
    const seconds = (Date.now() - started) / 1000;
    sample();
    await az.dispose();
    const mb = (n: number) => n / 1024 / 1024;
    add({
      name: 'A 200 MB artifact: extracted and uploaded, peak heap growth',
      value: mb(peak - base),
      unit: 'MB',
      budget: 20,
      note: `${mb(fd.storage[0]?.bytes ?? 0).toFixed(0)} MB at storage`,
    });
    add({ name: '… its upload rate on loopback (PUT, then task)', value: mb(sent) / seconds, unit: 'MB/s', budget: null });
  } finally {
    await fd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

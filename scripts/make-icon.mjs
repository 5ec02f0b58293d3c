// node scripts/make-icon.mjs: writes media/icon.png, the extension's 128×128 Marketplace icon (our own drawing, not
// Appcircle's logo): a rounded square in a blue gradient with a white build pipeline of three stages joined by lines,
// the last stage branching. Drawn with 4×4 supersampling and written by the small PNG encoder below (zlib only), so
// the icon is reproducible from this file and needs no image tool.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4;

/** Coverage of the rounded square (corner radius 26) at a point. */
function inTile(x, y) {
  const r = 26;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function nearSegment(x, y, [ax, ay], [bx, by], w) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= w * w;
}

// the pipeline: source → build → test, then test → two outputs
const nodes = [
  [26, 64, 11],
  [64, 64, 11],
  [100, 40, 9],
  [100, 88, 9],
];
const lines = [
  [nodes[0], nodes[1]],
  [nodes[1], nodes[2]],
  [nodes[1], nodes[3]],
];

/** 'w' for the white glyph, 'b' for the blue tile, undefined outside. */
function sample(x, y) {
  if (!inTile(x, y)) {
    return undefined;
  }
  for (const [cx, cy, r] of nodes) {
    const d2 = (x - cx) ** 2 + (y - cy) ** 2;
    if (d2 <= r * r) {
      // each stage is a ring with a filled centre
      return d2 >= (r - 4) ** 2 || d2 <= (r - 7) ** 2 ? 'w' : 'b';
    }
  }
  return lines.some(([a, b]) => nearSegment(x, y, a, b, 3)) ? 'w' : 'b';
}

function gradient(x, y) {
  // top-left #3D9BF5 to bottom-right #1747B8
  const t = (x + y) / (2 * SIZE);
  return [0x3d + (0x17 - 0x3d) * t, 0x9b + (0x47 - 0x9b) * t, 0xf5 + (0xb8 - 0xf5) * t];
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    let white = 0;
    let blue = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const s = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        white += s === 'w' ? 1 : 0;
        blue += s === 'b' ? 1 : 0;
      }
    }
    const cover = white + blue;
    const [r, g, b] = gradient(x, y);
    const mix = cover ? white / cover : 0;
    const i = (y * SIZE + x) * 4;
    rgba[i] = Math.round(r + (255 - r) * mix);
    rgba[i + 1] = Math.round(g + (255 - g) * mix);
    rgba[i + 2] = Math.round(b + (255 - b) * mix);
    rgba[i + 3] = Math.round((255 * cover) / (SS * SS));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) {
    c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type RGBA
// compression, filter, interlace: 0
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);

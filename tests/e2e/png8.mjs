// Small reference images: a Chromium screenshot (8-bit RGB or RGBA PNG, not
// interlaced) read back, optionally halved, and written as an indexed PNG of at most
// 256 colours (median cut); every pixel takes its nearest. Used by
// screenshots.mjs so the committed images stay small (no image tool needed).
import { inflateSync, deflateSync, crc32 } from 'node:zlib';

/** {width, height, rgb: Uint8Array (3 bytes a pixel)} of a PNG buffer as Chromium writes it. */
export function decodePng(buf) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      channels = { 2: 3, 6: 4 }[colour];
      if (depth !== 8 || !channels || interlace !== 0) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 3);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Uint8Array.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let add = 0;
      if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = (line[i] + add) & 255;
    }
    for (let x = 0; x < width; x++) out.set(line.subarray(x * channels, x * channels + 3), (y * width + x) * 3);
    prev = line;
  }
  return { width, height, rgb: out };
}

/** The image at half its size (each pixel the mean of a 2×2 block). */
export function halve({ width, height, rgb }) {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < 3; k++) {
        const at = (yy, xx) => rgb[((2 * y + yy) * width + 2 * x + xx) * 3 + k];
        out[(y * w + x) * 3 + k] = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1) + 2) >> 2;
      }
    }
  }
  return { width: w, height: h, rgb: out };
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * At most 256 colours for the image's `counts` (colour → pixels): median cut, always
 * splitting the box with the widest channel range (so a thin chart line in a colour
 * of its own keeps it), each box then shown by its most frequent colour (so the
 * background and the text keep theirs exactly).
 */
function palette256(counts) {
  const channel = (c, k) => (c >> (16 - 8 * k)) & 255;
  const range = (box) => [0, 1, 2].map((k) => {
    let lo = 255;
    let hi = 0;
    for (const [c] of box) {
      lo = Math.min(lo, channel(c, k));
      hi = Math.max(hi, channel(c, k));
    }
    return hi - lo;
  });
  let boxes = [[...counts.entries()]];
  while (boxes.length < 256) {
    let pick = -1;
    let widest = 0;
    boxes.forEach((box, i) => {
      const r = Math.max(...range(box));
      if (box.length > 1 && r > widest) [pick, widest] = [i, r];
    });
    if (pick < 0) break;
    const box = boxes[pick];
    const ranges = range(box);
    const k = ranges.indexOf(Math.max(...ranges));
    box.sort((a, b) => channel(a[0], k) - channel(b[0], k));
    const total = box.reduce((n, [, w]) => n + w, 0);
    let acc = 0;
    let cut = 1;
    for (; cut < box.length - 1; cut++) {
      acc += box[cut - 1][1];
      if (acc >= total / 2) break;
    }
    boxes = [...boxes.slice(0, pick), box.slice(0, cut), box.slice(cut), ...boxes.slice(pick + 1)];
  }
  return boxes.map((box) => box.reduce((best, e) => (e[1] > best[1] ? e : best))[0]);
}

/** An indexed PNG (palette of at most 256 colours) of the image. */
export function encodePng8({ width, height, rgb }) {
  const key = (i) => (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
  const counts = new Map();
  for (let i = 0; i < rgb.length; i += 3) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  const palette = palette256(counts);
  const index = new Map(palette.map((c, i) => [c, i]));
  const nearest = (c) => {
    let best = 0;
    let bestD = Infinity;
    palette.forEach((p, i) => {
      const d = ((p >> 16) - (c >> 16)) ** 2 + (((p >> 8) & 255) - ((c >> 8) & 255)) ** 2 + ((p & 255) - (c & 255)) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    index.set(c, best);
    return best;
  };
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const c = key((y * width + x) * 3);
      raw[y * (width + 1) + 1 + x] = index.get(c) ?? nearest(c);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((c, i) => plte.set([c >> 16, (c >> 8) & 255, c & 255], i * 3));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

#!/usr/bin/env node
// Draws the Lifeboat icon (a red-and-white lifebuoy on a navy rounded square) into build/icons/:
//   icon.svg                      the vector source, same geometry as below
//   icon.png                      512x512, for electron-builder's defaults
//   16x16.png ... 512x512.png     the Linux icon set (AppImage/deb hicolor theme)
//   icon.ico                      Windows: PNG-compressed entries 16-256 (Windows Vista and later read these)
//   icon.icns                     macOS: PNG-compressed entries 128-1024 and the @2x ones of 16-256
// Plain Node only: the rasterizer supersamples each pixel (anti-aliasing), the PNG encoder is written here with
// node:zlib for deflate and CRC-32. Run `node scripts/make-icons.mjs` after changing the drawing; the outputs are
// committed, so packaging needs no image tools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icons');

// ---- The drawing, in units of the icon's width (0..1) ------------------------------------------------------

const BODY = { x: 64 / 1024, y: 64 / 1024, size: 896 / 1024, radius: 200 / 1024 };
const BG_TOP = [0x1f, 0x4e, 0x79];
const BG_BOTTOM = [0x0c, 0x22, 0x3a];
const RING = { cx: 0.5, cy: 0.5, outer: 340 / 1024, inner: 190 / 1024, edge: 10 / 1024 };
const RED = [0xe0, 0x3c, 0x31];
const WHITE = [0xf7, 0xf4, 0xec];
const EDGE_SHADE = 0.22;
/** Four red bands centred on the diagonals, four white ones between: eight 45° segments. */
const SEGMENT_DEGREES = 45;

const mix = (a, b, t) => a.map((value, i) => value + (b[i] - value) * t);

function insideRoundedSquare(x, y) {
  const { x: left, y: top, size, radius } = BODY;
  const nearestX = Math.min(Math.max(x, left + radius), left + size - radius);
  const nearestY = Math.min(Math.max(y, top + radius), top + size - radius);
  return (x - nearestX) ** 2 + (y - nearestY) ** 2 <= radius ** 2 && x >= left && x <= left + size && y >= top && y <= top + size;
}

/** The colour at one point as [r, g, b, a] (0-255, alpha 0-1), or null where the icon is transparent. */
function colourAt(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  const background = mix(BG_TOP, BG_BOTTOM, (y - BODY.y) / BODY.size);
  const dx = x - RING.cx;
  const dy = y - RING.cy;
  const distance = Math.hypot(dx, dy);
  if (distance > RING.outer || distance < RING.inner) return [...background, 1];
  const degrees = ((Math.atan2(dy, dx) * 180) / Math.PI + 360 + SEGMENT_DEGREES / 2) % 360;
  const band = Math.floor(degrees / SEGMENT_DEGREES) % 2 === 1 ? RED : WHITE;
  const nearEdge = distance > RING.outer - RING.edge || distance < RING.inner + RING.edge;
  return [...(nearEdge ? mix(band, [0, 0, 0], EDGE_SHADE) : band), 1];
}

/** Renders the drawing at `size` px: RGBA bytes, each pixel the average of samples×samples points. */
function render(size) {
  const samples = size <= 64 ? 8 : 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied sums, so transparent samples do not darken the edges.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          r += colour[0] * colour[3];
          g += colour[1] * colour[3];
          b += colour[2] * colour[3];
          a += colour[3];
        }
      }
      const offset = (py * size + px) * 4;
      if (a > 0) {
        pixels[offset] = Math.round(r / a);
        pixels[offset + 1] = Math.round(g / a);
        pixels[offset + 2] = Math.round(b / a);
      }
      pixels[offset + 3] = Math.round((a / (samples * samples)) * 255);
    }
  }
  return pixels;
}

// ---- PNG ---------------------------------------------------------------------------------------------------

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function paeth(left, up, upLeft) {
  const p = left + up - upLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - up);
  const pc = Math.abs(p - upLeft);
  return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
}

/** Each row gets the filter whose output has the smallest sum of magnitudes (the heuristic libpng uses). */
function filterRows(pixels, width, height) {
  const stride = width * 4;
  const out = Buffer.alloc((stride + 1) * height);
  const candidate = Buffer.alloc(stride);
  const best = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    let bestType = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let type = 0; type <= 4; type++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= 4 ? row[i - 4] : 0;
        const up = prev[i];
        const upLeft = i >= 4 ? prev[i - 4] : 0;
        const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][type];
        const value = (row[i] - predictor) & 0xff;
        candidate[i] = value;
        score += value < 128 ? value : 256 - value;
      }
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        candidate.copy(best);
      }
    }
    out[y * (stride + 1)] = bestType;
    best.copy(out, y * (stride + 1) + 1);
  }
  return out;
}

function encodePng(pixels, size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // not interlaced
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filterRows(pixels, size, size), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- ICO and ICNS containers -------------------------------------------------------------------------------

/** ICONDIR + one ICONDIRENTRY per image (a width/height byte of 0 means 256), then the PNGs themselves. */
function encodeIco(pngs) {
  const entries = [...pngs].sort(([a], [b]) => a - b);
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach(([size, png], index) => {
    const at = 6 + 16 * index;
    header[at] = size >= 256 ? 0 : size;
    header[at + 1] = size >= 256 ? 0 : size;
    header[at + 2] = 0; // no palette
    header[at + 3] = 0;
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(png.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...entries.map(([, png]) => png)]);
}

/**
 * OSType → pixel size of the PNG it holds: the PNG-only element types (macOS 10.8+; Electron 39 needs 12+).
 * The small 1x types (icp4/icp5) are left out: their PNG support came late and varies, and macOS scales the
 * 16 and 32 pt icons from the @2x elements instead.
 */
const ICNS_TYPES = [
  ['ic11', 32], // 16@2x
  ['ic12', 64], // 32@2x
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256], // 128@2x
  ['ic09', 512],
  ['ic14', 512], // 256@2x
  ['ic10', 1024], // 512@2x
];

function encodeIcns(pngBySize) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + elements.reduce((sum, element) => sum + element.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

// ---- SVG ---------------------------------------------------------------------------------------------------

const hex = (rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

function annularSector(startDegrees, endDegrees, outer, inner) {
  const point = (radius, degrees) => {
    const radians = (degrees * Math.PI) / 180;
    return `${(512 + radius * Math.cos(radians)).toFixed(2)} ${(512 + radius * Math.sin(radians)).toFixed(2)}`;
  };
  return (
    `M ${point(outer, startDegrees)} A ${outer} ${outer} 0 0 1 ${point(outer, endDegrees)} ` +
    `L ${point(inner, endDegrees)} A ${inner} ${inner} 0 0 0 ${point(inner, startDegrees)} Z`
  );
}

function svgSource() {
  const outer = RING.outer * 1024;
  const inner = RING.inner * 1024;
  const edge = RING.edge * 1024;
  const segments = Array.from({ length: 360 / SEGMENT_DEGREES }, (_, k) => {
    const centre = k * SEGMENT_DEGREES;
    const fill = k % 2 === 1 ? hex(RED) : hex(WHITE);
    return `    <path fill="${fill}" d="${annularSector(centre - SEGMENT_DEGREES / 2, centre + SEGMENT_DEGREES / 2, outer, inner)}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">
  <!-- Generated by scripts/make-icons.mjs, which also rasterizes this drawing into the PNG, ICO and ICNS files. -->
  <defs>
    <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${hex(BG_TOP)}"/>
      <stop offset="1" stop-color="${hex(BG_BOTTOM)}"/>
    </linearGradient>
  </defs>
  <rect x="${BODY.x * 1024}" y="${BODY.y * 1024}" width="${BODY.size * 1024}" height="${BODY.size * 1024}" rx="${BODY.radius * 1024}" fill="url(#sea)"/>
  <g>
${segments.join('\n')}
  </g>
  <g fill="none" stroke="#000" stroke-opacity="${EDGE_SHADE}" stroke-width="${edge}">
    <circle cx="512" cy="512" r="${outer - edge / 2}"/>
    <circle cx="512" cy="512" r="${inner + edge / 2}"/>
  </g>
</svg>
`;
}

// ---- Output ------------------------------------------------------------------------------------------------

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const LINUX_SET = [16, 24, 32, 48, 64, 128, 256, 512];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

mkdirSync(outDir, { recursive: true });
const pngs = new Map(SIZES.map((size) => [size, encodePng(render(size), size)]));
const written = [];
const write = (name, data) => {
  writeFileSync(join(outDir, name), data);
  written.push(`${name} (${data.length} bytes)`);
};
write('icon.svg', svgSource());
write('icon.png', pngs.get(512));
for (const size of LINUX_SET) write(`${size}x${size}.png`, pngs.get(size));
write('icon.ico', encodeIco(ICO_SIZES.map((size) => [size, pngs.get(size)])));
write('icon.icns', encodeIcns(pngs));
console.log(`build/icons: ${written.join(', ')}`);

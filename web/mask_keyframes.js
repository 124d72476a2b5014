// LanPaint FLD Video Mask: the browser's twin of nodes/mask_keyframes.py (plain JavaScript, no build step).
//
// The editor previews the frames between keyframes with the morph the node applies: both keyframes'
// signed distance fields (worked out at most SDF_MAX_SIDE pixels a side) are moved along the line
// between the masks' centroids and blended, (1 - t) * a + t * b, and the pixels where the blend is
// negative are repainted; before the first keyframe and after the last their masks hold. Each step
// follows the Python one (the same sizes, roundings and resampling rules, in float32 where the node
// computes in float32), and tests/test_mask_keyframes_js.py holds the two to shared test vectors
// (tests/data/mask_morph_vectors.json). Masks are Uint8Array [height * width], row-major, 1 = repaint.
//
// ComfyUI imports every file of the pack's web folder as an extension; this one only exports.

export const SDF_MAX_SIDE = 256;
const f32 = Math.fround;

// Run lengths of a mask's row-major pixels: keep, repaint, keep, ... (the first may be 0).
export function rleEncode(mask) {
  const runs = [];
  let current = 0, count = 0;
  for (let i = 0; i < mask.length; i++) {
    const on = mask[i] ? 1 : 0;
    if (on !== current) { runs.push(count); current = on; count = 0; }
    count++;
  }
  runs.push(count);
  return runs;
}

export function rleDecode(runs, width, height) {
  const mask = new Uint8Array(width * height);
  let pixel = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) mask.fill(1, pixel, pixel + run);
    pixel += run;
  });
  return mask;
}

// Python's round(): halves to even.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// g[i] = min over j of (i - j)^2 + f[j] along each line (exact: every value is a whole number).
function squaredDistance1d(f, lines, n, stride, step) {
  const out = new Float32Array(f.length);
  const line = new Float64Array(n);
  for (let l = 0; l < lines; l++) {
    const base = l * stride;
    for (let j = 0; j < n; j++) line[j] = f[base + j * step];
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      for (let j = 0; j < n; j++) {
        const d = (i - j) * (i - j) + line[j];
        if (d < best) best = d;
      }
      out[base + i * step] = best;
    }
  }
  return out;
}

// Euclidean distance from every pixel to the nearest pixel where target is set (far if none).
function distanceTo(target, height, width, far) {
  const big = far * far;
  const f = new Float32Array(target.length);
  for (let i = 0; i < f.length; i++) f[i] = target[i] ? 0 : big;
  const rows = squaredDistance1d(f, height, width, width, 1);
  const d2 = squaredDistance1d(rows, width, height, 1, width);
  for (let i = 0; i < d2.length; i++) d2[i] = f32(Math.sqrt(Math.min(d2[i], big)));
  return d2;
}

// Signed distance in pixels to the mask's boundary: negative inside, +far / -far for an empty / full mask.
export function signedDistance(mask, height, width) {
  const far = height + width;
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i];
  if (count === 0 || count === mask.length) return new Float32Array(mask.length).fill(count ? -far : far);
  const inverse = mask.map((v) => 1 - v);
  const outside = distanceTo(inverse, height, width, far), inside = distanceTo(mask, height, width, far);
  const sdf = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) sdf[i] = mask[i] ? f32(0.5 - outside[i]) : f32(inside[i] - 0.5);
  return sdf;
}

function centroid(mask, height, width) {
  let n = 0, rows = 0, cols = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (mask[r * width + c]) { n++; rows += r; cols += c; }
    }
  }
  return n ? [f32(f32(rows) / n), f32(f32(cols) / n)] : null;
}

// Antialiased bilinear resampling weights of one axis (torch's interpolate(..., antialias=True)).
function aaWeights(inSize, outSize) {
  const scale = inSize / outSize, support = scale >= 1 ? scale : 1, inv = scale >= 1 ? 1 / scale : 1;
  const taps = [];
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w = [];
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const x = Math.abs((j - center + 0.5) * inv);
      const v = x < 1 ? 1 - x : 0;
      w.push(v);
      total += v;
    }
    taps.push({ lo, w: w.map((v) => (total ? v / total : 0)) });
  }
  return taps;
}

// The mask at another size: antialiased bilinear (width first, then height), then >= 0.5.
function resizeMask(mask, height, width, outH, outW) {
  const across = new Float32Array(height * outW);
  const tx = aaWeights(width, outW), ty = aaWeights(height, outH);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < outW; c++) {
      let v = 0;
      tx[c].w.forEach((w, k) => { v += w * mask[r * width + tx[c].lo + k]; });
      across[r * outW + c] = v;
    }
  }
  const out = new Uint8Array(outH * outW);
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) {
      let v = 0;
      ty[r].w.forEach((w, k) => { v += w * across[(ty[r].lo + k) * outW + c]; });
      out[r * outW + c] = f32(v) >= 0.5 ? 1 : 0;
    }
  }
  return out;
}

// A keyframe's signed distance field at the working size, in pixels of the full size.
export class Field {
  constructor(mask, height, width) {
    this.full = [height, width];
    this.centroid = centroid(mask, height, width);
    const scale = Math.min(1, SDF_MAX_SIDE / Math.max(height, width));
    const sh = Math.max(1, roundHalfEven(height * scale)), sw = Math.max(1, roundHalfEven(width * scale));
    this.size = [sh, sw];
    const work = sh === height && sw === width ? mask : resizeMask(mask, height, width, sh, sw);
    const sdf = signedDistance(work, sh, sw), unit = f32(height / sh);
    for (let i = 0; i < sdf.length; i++) sdf[i] = f32(sdf[i] * unit);
    this.sdf = sdf;
  }

  // The field moved by (rows, columns) full-size pixels; the edges extend outwards (torch's
  // grid_sample, bilinear, border padding, align_corners=False).
  shifted([dr, dc]) {
    const [h, w] = this.full, [sh, sw] = this.size;
    const axis = (n, full, offset) => {
      const out = new Float32Array(n), step = f32(2 / n), shift = f32(offset * (2 / full));
      const half = f32(n / 2);
      for (let i = 0; i < n; i++) {
        const g = f32(f32(f32(f32(i + 0.5) * step) - 1) - shift);
        const x = f32(f32(f32(g + 1) * half) - 0.5);
        out[i] = Math.min(Math.max(x, 0), n - 1);
      }
      return out;
    };
    const ys = axis(sh, h, dr), xs = axis(sw, w, dc);
    const out = new Float32Array(sh * sw), sdf = this.sdf;
    for (let r = 0; r < sh; r++) {
      const y = ys[r], y0 = Math.floor(y), ty = f32(y - y0), y1 = Math.min(y0 + 1, sh - 1);
      for (let c = 0; c < sw; c++) {
        const x = xs[c], x0 = Math.floor(x), tx = f32(x - x0), x1 = Math.min(x0 + 1, sw - 1);
        const ey = f32(1 - ty), ex = f32(1 - tx);
        let v = f32(f32(sdf[y0 * sw + x0] * f32(ey * ex)) + f32(sdf[y0 * sw + x1] * f32(ey * tx)));
        v = f32(v + f32(sdf[y1 * sw + x0] * f32(ty * ex)));
        out[r * sw + c] = f32(v + f32(sdf[y1 * sw + x1] * f32(ty * tx)));
      }
    }
    return out;
  }
}

// Bilinear resampling of a field to the full size (align_corners=False), then < 0.
function upsampleNegative(field, sh, sw, h, w) {
  const axis = (n, full) => {
    const scale = f32(n / full), i0 = new Int32Array(full), i1 = new Int32Array(full), l1 = new Float32Array(full);
    for (let i = 0; i < full; i++) {
      const src = Math.max(f32(f32(scale * f32(i + 0.5)) - 0.5), 0);
      i0[i] = Math.floor(src);
      i1[i] = i0[i] + (i0[i] < n - 1 ? 1 : 0);
      l1[i] = Math.min(Math.max(f32(src - i0[i]), 0), 1);
    }
    return { i0, i1, l1 };
  };
  const ay = axis(sh, h), ax = axis(sw, w);
  const out = new Uint8Array(h * w);
  for (let r = 0; r < h; r++) {
    const a = ay.i0[r] * sw, b = ay.i1[r] * sw, ly = ay.l1[r], my = f32(1 - ly);
    for (let c = 0; c < w; c++) {
      const p = ax.i0[c], q = ax.i1[c], lx = ax.l1[c], mx = f32(1 - lx);
      const v = f32(my * f32(f32(mx * field[a + p]) + f32(lx * field[a + q])))
        + f32(ly * f32(f32(mx * field[b + p]) + f32(lx * field[b + q])));
      out[r * w + c] = v < 0 ? 1 : 0;
    }
  }
  return out;
}

// The mask at fraction t from keyframe field a to keyframe field b.
export function between(a, b, t) {
  const step = a.centroid && b.centroid ? [f32(b.centroid[0] - a.centroid[0]), f32(b.centroid[1] - a.centroid[1])]
    : [0, 0];
  const fa = a.shifted(step.map((s) => f32(f32(t) * s))), fb = b.shifted(step.map((s) => f32(f32(-(1 - t)) * s)));
  const wa = f32(1 - t), wb = f32(t), blend = new Float32Array(fa.length);
  for (let i = 0; i < blend.length; i++) blend[i] = f32(f32(wa * fa[i]) + f32(wb * fb[i]));
  return upsampleNegative(blend, a.size[0], a.size[1], a.full[0], a.full[1]);
}

// The mask of frame `frame` from keyframes (Map frame -> mask), fields made on demand and kept in
// `fields` (Map frame -> Field; drop a keyframe's entry when its mask changes).
export function frameMask(keyframes, frame, height, width, fields = new Map()) {
  const keys = [...keyframes.keys()].sort((x, y) => x - y);
  if (!keys.length) return null;
  if (frame <= keys[0]) return keyframes.get(keys[0]);
  if (frame >= keys[keys.length - 1]) return keyframes.get(keys[keys.length - 1]);
  if (keyframes.has(frame)) return keyframes.get(frame);
  const b = keys.find((k) => k > frame), a = keys.filter((k) => k < frame).pop();
  for (const k of [a, b]) if (!fields.has(k)) fields.set(k, new Field(keyframes.get(k), height, width));
  return between(fields.get(a), fields.get(b), (frame - a) / (b - a));
}

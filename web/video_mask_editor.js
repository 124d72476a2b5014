// LanPaint FLD Video Mask: the keyframe mask editor (plain JavaScript, no build step).
//
// The node LanPaintVideoMask gets a button that opens a full-window editor over the video's frames
// (which the node hands over as preview files each time it runs). The artist steps through the
// frames and paints on some of them -- brush, eraser, box, ellipse, brush size -- and each painted
// frame becomes a keyframe. The frames in between show the morph the node will apply
// (mask_keyframes.js, the browser's twin of nodes/mask_keyframes.py). Save writes the keyframes into
// the node's hidden `keyframes` widget (JSON, each mask run-length encoded), so they are saved and
// reloaded with the workflow.
//
// The layout holds still: every control of the toolbar has a fixed width, the changing text sits on
// a line of its own, and the canvas keeps its place, so the frame slider stays under the pointer.
// Drawing costs what the brush covers: a stroke touches the keyframe, an off-screen tint canvas and
// the screen only inside the stroke's bounds.
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";
import { frameMask, rleDecode, rleEncode } from "./mask_keyframes.js";

const NODE_TYPE = "LanPaintVideoMask";
const FORMAT_VERSION = 1;
const TOOLS = [["brush", "Brush"], ["eraser", "Eraser"], ["box", "Box"], ["ellipse", "Ellipse"]];
const MAGENTA = "rgb(255, 60, 200)";
const MAGENTA_PIXEL = new Uint32Array(new Uint8ClampedArray([255, 60, 200, 255]).buffer)[0];
const KEYFRAME_ALPHA = 0.55, MORPH_ALPHA = 0.45;
const REMEMBERED = "lanpaint_fld.video_mask_editor";   // localStorage: the tool and brush size last used
const RUN_HINT = "Run the workflow once (Run), or only this node: select it and press ▶ (Execute to selected "
  + "output nodes) in the toolbar above it, so the editor gets the video's frames; then open it again.";

function viewUrl(file) {
  const q = new URLSearchParams({ filename: file.filename, type: file.type, subfolder: file.subfolder || "" });
  return api.apiURL("/view?" + q.toString());
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("could not load " + url));
    img.src = url;
  });
}

function newCanvas(width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function el(tag, { dataset = {}, ...props } = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset);
  for (const child of children) node.append(child);
  return node;
}

// A canvas's pixels as a mask (alpha > 127 = repaint).
function canvasMask(canvas) {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const mask = new Uint8Array(canvas.width * canvas.height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[4 * i + 3] > 127 ? 1 : 0;
  return mask;
}

// Writes a mask into a canvas: `pixel` (RGBA as one little-endian word) where set, clear elsewhere.
function paintMask(canvas, mask, pixel) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(canvas.width, canvas.height);
  const words = new Uint32Array(image.data.buffer);
  for (let i = 0; i < mask.length; i++) if (mask[i]) words[i] = pixel;
  ctx.putImageData(image, 0, 0);
}

function remembered() {
  try { return JSON.parse(localStorage.getItem(REMEMBERED)) || {}; } catch (e) { return {}; }
}

function remember(state) {
  try { localStorage.setItem(REMEMBERED, JSON.stringify({ ...remembered(), ...state })); } catch (e) { /* private mode */ }
}

// The runs the nodes handed the editor, by workflow tab and node: a tab switch rebuilds the nodes,
// and onExecuted does not run again.
const runs = new Map();

function runKey(node) {
  return (app.extensionManager?.workflow?.activeWorkflow?.path ?? "") + "\n" + node.id;
}

// What the node's last run handed the editor: from onExecuted, kept per tab, or from the outputs the
// frontend keeps per tab (1.32 keeps them only where it had recorded the run before it finished).
function videoRun(node) {
  if (node.lanpaintVideo) return node.lanpaintVideo;
  if (runs.has(runKey(node))) return runs.get(runKey(node));
  const output = app.nodeOutputs?.[String(node.id)];
  return output?.lanpaint_video?.length ? { info: output.lanpaint_video[0], frames: output.lanpaint_frames } : null;
}

class VideoMaskEditor {
  constructor(node, run) {
    this.node = node;
    this.widget = node.widgets.find((w) => w.name === "keyframes");
    this.info = run.info;                 // {frames, width, height}
    this.frameFiles = run.frames;
    this.keyframes = new Map();           // frame -> canvas (width x height), opaque = repaint
    this.masks = new Map();               // frame -> its keyframe's mask (Uint8Array), made when needed
    this.fields = new Map();              // frame -> its keyframe's distance field (mask_keyframes.Field)
    this.readKeyframes(this.widget.value);
    this.frame = 0;
    const last = remembered();
    this.maxSize = Math.max(1, Math.round(Math.max(this.info.width, this.info.height) / 4));
    this.tool = TOOLS.some(([t]) => t === last.tool) ? last.tool : "brush";
    this.size = Math.min(this.maxSize, Math.max(1, Number(last.size) || Math.round(this.maxSize / 8)));
    this.images = new Map();
    this.build();
    this.show(0);
    this.preload();
  }

  // Every frame's picture, one after the other, so stepping through them later shows them at once.
  async preload() {
    for (let f = 0; f < this.info.frames && this.root.isConnected; f++) {
      if (!this.images.has(f)) await this.frameImage(f);
    }
  }

  readKeyframes(text) {
    let data;
    try { data = JSON.parse(text || "{}"); } catch (e) { return; }
    if (data.version !== FORMAT_VERSION || !Array.isArray(data.keyframes)) return;
    for (const entry of data.keyframes) {
      if (entry.frame >= this.info.frames) continue;   // the node drops these too (with a warning)
      let canvas = newCanvas(data.width, data.height);
      paintMask(canvas, rleDecode(entry.mask, data.width, data.height), 0xffffffff);
      if (data.width !== this.info.width || data.height !== this.info.height) {
        const resized = newCanvas(this.info.width, this.info.height);
        resized.getContext("2d").drawImage(canvas, 0, 0, resized.width, resized.height);
        canvas = resized;
      }
      this.keyframes.set(entry.frame, canvas);
    }
  }

  serialize() {
    const keyframes = [...this.keyframes.keys()].sort((a, b) => a - b)
      .map((frame) => ({ frame, mask: rleEncode(this.mask(frame)) }));
    return JSON.stringify({ version: FORMAT_VERSION, width: this.info.width, height: this.info.height, keyframes });
  }

  build() {
    const { width, height, frames } = this.info;
    const button = (label, onclick, extra = {}) => el("button", { textContent: label, onclick, ...extra });
    this.toolButtons = TOOLS.map(([tool, label]) => button(label, () => this.setTool(tool),
      { className: "lanpaint-tool", dataset: { tool } }));
    this.sizeInput = el("input", { type: "range", min: 1, max: this.maxSize, value: this.size,
      className: "lanpaint-size", oninput: () => this.setSize(Number(this.sizeInput.value)) });
    this.sizeLabel = el("span", { className: "lanpaint-size-label" });
    this.slider = el("input", { type: "range", min: 0, max: frames - 1, value: 0, className: "lanpaint-frame",
      oninput: () => this.show(Number(this.slider.value)) });
    this.label = el("span", { className: "lanpaint-label" });
    this.status = el("div", { className: "lanpaint-status" });
    this.canvas = newCanvas(width, height);
    this.canvas.className = "lanpaint-canvas";
    this.ctx = this.canvas.getContext("2d");
    this.tint = newCanvas(width, height);          // the shown mask in magenta, off screen
    this.tintCtx = this.tint.getContext("2d");
    this.stage = el("div", { className: "lanpaint-stage" }, [this.canvas]);
    this.root = el("div", { id: "lanpaint-video-mask-editor" }, [
      el("div", { className: "lanpaint-bar" }, [
        ...this.toolButtons, this.sizeInput, this.sizeLabel,
        button("◀", () => this.show(this.frame - 1), { className: "lanpaint-prev" }), this.slider,
        button("▶", () => this.show(this.frame + 1), { className: "lanpaint-next" }), this.label,
        button("Copy previous keyframe", () => this.copyPrevious(), { className: "lanpaint-copy" }),
        button("Delete keyframe", () => this.deleteKeyframe(), { className: "lanpaint-delete" }),
        button("Save", () => this.save(), { className: "lanpaint-save" }),
        button("Cancel", () => this.close(), { className: "lanpaint-cancel" }),
      ]),
      this.status,
      this.stage,
      el("div", { className: "lanpaint-help", textContent: "Paint on a frame to make it a keyframe; the frames "
        + "between keyframes show the morph the node makes from them. Magenta = repaint." }),
      el("style", { textContent: STYLE }),
    ]);
    this.canvas.addEventListener("pointerdown", (e) => this.down(e));
    this.canvas.addEventListener("pointermove", (e) => this.move(e));
    this.canvas.addEventListener("pointerup", (e) => this.up(e));
    this.onResize = () => this.fit();
    window.addEventListener("resize", this.onResize);
    document.body.append(this.root);
    this.fit();
    this.setTool(this.tool);
    this.setSize(this.size);
  }

  fit() {
    const { width, height } = this.info;
    const scale = Math.min(this.stage.clientWidth / width, this.stage.clientHeight / height);
    this.canvas.style.width = Math.floor(width * scale) + "px";
    this.canvas.style.height = Math.floor(height * scale) + "px";
  }

  setTool(tool) {
    this.tool = tool;
    for (const b of this.toolButtons) b.classList.toggle("active", b.dataset.tool === tool);
    remember({ tool });
  }

  setSize(size) {
    this.size = size;
    this.sizeInput.value = size;
    this.sizeLabel.textContent = "size " + size;
    remember({ size });
  }

  point(e) {
    const rect = this.canvas.getBoundingClientRect();
    return [(e.clientX - rect.left) * this.info.width / rect.width,
            (e.clientY - rect.top) * this.info.height / rect.height];
  }

  // ---- masks: keyframes, their cached masks and fields, the mask shown on a frame
  mask(frame) {
    if (!this.masks.has(frame)) this.masks.set(frame, canvasMask(this.keyframes.get(frame)));
    return this.masks.get(frame);
  }

  changed(frame) {
    this.masks.delete(frame);
    this.fields.delete(frame);
  }

  shownMask(frame) {
    if (this.keyframes.has(frame) || !this.keyframes.size) return null;
    const masks = new Map([...this.keyframes.keys()].map((f) => [f, this.mask(f)]));
    return frameMask(masks, frame, this.info.height, this.info.width, this.fields);
  }

  // The keyframe of the frame shown (a new, empty one if the frame was none).
  keyframe() {
    if (!this.keyframes.has(this.frame)) {
      this.keyframes.set(this.frame, newCanvas(this.info.width, this.info.height));
      this.changed(this.frame);
      this.refresh();
    }
    return this.keyframes.get(this.frame);
  }

  // ---- pointer
  down(e) {
    this.canvas.setPointerCapture?.(e.pointerId);
    this.keyframe();
    this.start = this.last = this.point(e);
    this.outline = null;
    if (this.tool === "brush" || this.tool === "eraser") this.stroke(this.start, this.start);
  }

  move(e) {
    if (!this.start) return;
    const p = this.point(e);
    if (this.tool === "brush" || this.tool === "eraser") this.stroke(this.last, p);
    else this.drawOutline(p);
    this.last = p;
  }

  up(e) {
    if (!this.start) return;
    const end = this.point(e);
    if (this.tool === "box" || this.tool === "ellipse") {
      const ctx = this.keyframe().getContext("2d");
      this.shape(ctx, this.start, end);
      ctx.fillStyle = "#fff";
      ctx.fill();
      this.changed(this.frame);
      this.update(this.bounds([this.start, end], 2), this.outline);
    }
    this.start = this.last = this.outline = null;
  }

  // [x, y, w, h] around the points, grown by `pad`, whole pixels.
  bounds(points, pad) {
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const x = Math.floor(Math.min(...xs) - pad), y = Math.floor(Math.min(...ys) - pad);
    return [x, y, Math.ceil(Math.max(...xs) + pad) - x, Math.ceil(Math.max(...ys) + pad) - y];
  }

  stroke(from, to) {
    const ctx = this.keyframe().getContext("2d");
    ctx.globalCompositeOperation = this.tool === "eraser" ? "destination-out" : "source-over";
    Object.assign(ctx, { strokeStyle: "#fff", lineWidth: this.size, lineCap: "round", lineJoin: "round" });
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
    ctx.globalCompositeOperation = "source-over";
    this.changed(this.frame);
    this.update(this.bounds([from, to], this.size / 2 + 2));
  }

  shape(ctx, [x0, y0], [x1, y1]) {
    ctx.beginPath();
    if (this.tool === "box") ctx.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
    else ctx.ellipse((x0 + x1) / 2, (y0 + y1) / 2, Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2, 0, 0, 2 * Math.PI);
  }

  // The box / ellipse being dragged: the screen is redrawn where the last outline was and the new one is.
  drawOutline(p) {
    const rect = this.bounds([this.start, p], 3);
    this.redraw(rect, this.outline);
    this.shape(this.ctx, this.start, p);
    Object.assign(this.ctx, { strokeStyle: "#ff0", lineWidth: 2 });
    this.ctx.stroke();
    this.outline = rect;
  }

  // ---- drawing: the tint (off screen) and the screen, whole or inside rectangles
  clip([x, y, w, h]) {
    const x0 = Math.max(0, x), y0 = Math.max(0, y);
    return [x0, y0, Math.min(this.info.width, x + w) - x0, Math.min(this.info.height, y + h) - y0];
  }

  // Runs draw(x, y, w, h) on ctx clipped to rect (cut to the frame); nothing if that is empty.
  inside(ctx, rect, draw) {
    const [x, y, w, h] = this.clip(rect);
    if (w <= 0 || h <= 0) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    draw(x, y, w, h);
    ctx.restore();
  }

  // Recomputes the tint of a keyframe inside `rect`: its pixels in magenta.
  tintKeyframe(rect) {
    this.inside(this.tintCtx, rect, (x, y, w, h) => {
      const t = this.tintCtx;
      t.clearRect(x, y, w, h);
      t.drawImage(this.keyframes.get(this.frame), x, y, w, h, x, y, w, h);
      t.globalCompositeOperation = "source-in";
      t.fillStyle = MAGENTA;
      t.fillRect(x, y, w, h);
    });
  }

  // A change inside rect (and `also`, e.g. the last outline): tint and screen redrawn there only.
  update(rect, also = null) {
    this.tintKeyframe(rect);
    this.redraw(rect, also);
  }

  // The screen inside the rectangles: the frame's picture, the tint over it.
  redraw(...rects) {
    for (const rect of rects.filter(Boolean)) {
      this.inside(this.ctx, rect, (x, y, w, h) => {
        const ctx = this.ctx;
        if (this.image) {
          const sx = this.image.naturalWidth / this.info.width, sy = this.image.naturalHeight / this.info.height;
          ctx.drawImage(this.image, x * sx, y * sy, w * sx, h * sy, x, y, w, h);
        } else {
          ctx.fillStyle = "#333";
          ctx.fillRect(x, y, w, h);
        }
        ctx.globalAlpha = this.keyframes.has(this.frame) ? KEYFRAME_ALPHA : MORPH_ALPHA;
        ctx.drawImage(this.tint, x, y, w, h, x, y, w, h);
      });
    }
  }

  // The frame's whole tint and screen, and the text: after stepping frames or changing keyframes.
  refresh() {
    const { width, height } = this.info;
    if (this.keyframes.has(this.frame)) {
      this.tintKeyframe([0, 0, width, height]);
    } else {
      this.tintCtx.clearRect(0, 0, width, height);
      const shown = this.shownMask(this.frame);
      if (shown) paintMask(this.tint, shown, MAGENTA_PIXEL);
    }
    this.redraw([0, 0, width, height]);
    this.describe();
  }

  describe() {
    const keys = [...this.keyframes.keys()].sort((a, b) => a - b);
    this.label.textContent = "frame " + this.frame + " / " + (this.info.frames - 1);
    let text;
    if (this.keyframes.has(this.frame)) text = "keyframe";
    else if (!keys.length) text = "no keyframes yet: paint on a frame to make it one";
    else if (this.frame < keys[0]) text = "before the first keyframe: keyframe " + keys[0] + "'s mask holds";
    else if (this.frame > keys[keys.length - 1]) text = "after the last keyframe: keyframe " + keys[keys.length - 1]
      + "'s mask holds";
    else {
      const before = keys.filter((f) => f < this.frame).pop(), after = keys.find((f) => f > this.frame);
      text = "between keyframes " + before + " and " + after + ": the morph the node makes";
    }
    this.status.textContent = text + " · keyframes: " + (keys.join(", ") || "none");
  }

  // ---- frames and keyframes
  async show(frame) {
    this.frame = Math.max(0, Math.min(this.info.frames - 1, frame));
    this.slider.value = this.frame;
    const wanted = this.frame;
    this.image = this.images.get(wanted) ?? null;
    this.refresh();
    if (this.image) return;
    const image = await this.frameImage(wanted);
    if (wanted === this.frame && image) {
      this.image = image;
      this.refresh();
    }
  }

  async frameImage(frame) {
    const file = this.frameFiles?.[frame];
    if (!file) return null;
    try {
      const image = await loadImage(viewUrl(file));
      this.images.set(frame, image);
      return image;
    } catch (e) {
      return null;
    }
  }

  copyPrevious() {
    const earlier = [...this.keyframes.keys()].filter((f) => f < this.frame);
    if (!earlier.length) return;
    const canvas = newCanvas(this.info.width, this.info.height);
    canvas.getContext("2d").drawImage(this.keyframes.get(Math.max(...earlier)), 0, 0);
    this.keyframes.set(this.frame, canvas);
    this.changed(this.frame);
    this.refresh();
  }

  deleteKeyframe() {
    this.keyframes.delete(this.frame);
    this.changed(this.frame);
    this.refresh();
  }

  save() {
    this.widget.value = this.serialize();
    this.widget.callback?.(this.widget.value);
    this.node.setDirtyCanvas?.(true, true);
    app.graph.setDirtyCanvas?.(true, true);
    // the workflow's change tracker: undo, the tab's "modified" mark (1.49 captureCanvasState, 1.32 checkState)
    const tracker = app.extensionManager?.workflow?.activeWorkflow?.changeTracker;
    (tracker?.captureCanvasState ?? tracker?.checkState)?.call(tracker);
    this.close();
  }

  close() {
    window.removeEventListener("resize", this.onResize);
    this.root.remove();
  }
}

function openEditor(node) {
  const run = videoRun(node);
  if (!run) {
    const note = el("div", { id: "lanpaint-video-mask-editor" }, [
      el("div", { className: "lanpaint-help", textContent: RUN_HINT }),
      el("button", { textContent: "Close", className: "lanpaint-cancel", onclick: () => note.remove() }),
      el("style", { textContent: STYLE }),
    ]);
    document.body.append(note);
    return null;
  }
  return new VideoMaskEditor(node, run);
}

const STYLE = `
#lanpaint-video-mask-editor { position: fixed; inset: 0; z-index: 10000; background: rgba(12, 12, 16, 0.94);
  color: #ddd; font: 13px sans-serif; display: flex; flex-direction: column; align-items: center; gap: 6px;
  padding: 10px; box-sizing: border-box; }
#lanpaint-video-mask-editor .lanpaint-bar { display: flex; flex-wrap: nowrap; gap: 6px; align-items: center;
  white-space: nowrap; max-width: 100%; overflow-x: auto; flex: none; }
#lanpaint-video-mask-editor button { background: #333; color: #eee; border: 1px solid #555; border-radius: 4px;
  padding: 4px 10px; cursor: pointer; flex: none; }
#lanpaint-video-mask-editor button.active { background: #a3359a; border-color: #e070d8; }
#lanpaint-video-mask-editor input[type=range] { flex: none; margin: 0; }
#lanpaint-video-mask-editor .lanpaint-size { width: 110px; }
#lanpaint-video-mask-editor .lanpaint-frame { width: 320px; }
#lanpaint-video-mask-editor .lanpaint-size-label { display: inline-block; width: 8ch; flex: none; }
#lanpaint-video-mask-editor .lanpaint-label { display: inline-block; width: 16ch; flex: none; text-align: center;
  font-variant-numeric: tabular-nums; }
#lanpaint-video-mask-editor .lanpaint-status { flex: none; height: 1.4em; line-height: 1.4em; max-width: 100%;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #bbb; }
#lanpaint-video-mask-editor .lanpaint-stage { flex: 1 1 0; min-height: 0; align-self: stretch; display: flex;
  align-items: center; justify-content: center; overflow: hidden; }
#lanpaint-video-mask-editor canvas { cursor: crosshair; touch-action: none; image-rendering: pixelated;
  background: #222; flex: none; }
#lanpaint-video-mask-editor .lanpaint-help { color: #999; flex: none; }
`;

app.registerExtension({
  name: "lanpaint_fld.video_mask_editor",
  async beforeRegisterNodeDef(nodeType, nodeData) {
    if (nodeData.name !== NODE_TYPE) return;
    const created = nodeType.prototype.onNodeCreated;
    nodeType.prototype.onNodeCreated = function () {
      const result = created?.apply(this, arguments);
      const keyframes = this.widgets?.find((w) => w.name === "keyframes");
      if (keyframes) {
        // written by the editor, saved with the workflow; hidden on the canvas (hidden), in the
        // properties panel and on Nodes 2.0 nodes (options.hidden, frontend 1.49)
        keyframes.hidden = true;
        if (keyframes.options) keyframes.options.hidden = true;
        else keyframes.options = { hidden: true };
      }
      const open = this.addWidget("button", "Open mask editor", null, () => openEditor(this), { serialize: false });
      open.serialize = false;
      return result;
    };
    const executed = nodeType.prototype.onExecuted;
    nodeType.prototype.onExecuted = function (output) {
      executed?.apply(this, arguments);
      if (output?.lanpaint_video?.length) {
        this.lanpaintVideo = { info: output.lanpaint_video[0], frames: output.lanpaint_frames };
        runs.set(runKey(this), this.lanpaintVideo);
      }
    };
  },
});

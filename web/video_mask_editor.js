// LanPaint FLD Video Mask: the keyframe mask editor (plain JavaScript, no build step).
//
// The node LanPaintVideoMask gets a button that opens a full-window editor over the video's frames
// (which the node hands over as preview files each time it runs). The artist steps through the
// frames and paints on some of them -- brush, eraser, box, ellipse, brush size -- and each painted
// frame becomes a keyframe. Save writes the keyframes into the node's hidden `keyframes` widget
// (JSON, each mask run-length encoded), so they are saved and reloaded with the workflow; the node
// computes the frames in between on the server (nodes/mask_keyframes.py: the shapes morph).
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";

const NODE_TYPE = "LanPaintVideoMask";
const FORMAT_VERSION = 1;
const TOOLS = [["brush", "Brush"], ["eraser", "Eraser"], ["box", "Box"], ["ellipse", "Ellipse"]];
const MASK_RGB = [255, 60, 200];

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

// Run lengths of a canvas's row-major pixels (alpha > 127 = repaint): keep, repaint, keep, ...
function encodeMask(canvas) {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const runs = [];
  let current = false, count = 0;
  for (let i = 3; i < data.length; i += 4) {
    const on = data[i] > 127;
    if (on !== current) { runs.push(count); current = on; count = 0; }
    count++;
  }
  runs.push(count);
  return runs;
}

function decodeMask(runs, width, height) {
  const canvas = newCanvas(width, height);
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(width, height);
  let pixel = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) for (let k = pixel; k < pixel + run; k++) image.data.set([255, 255, 255, 255], 4 * k);
    pixel += run;
  });
  ctx.putImageData(image, 0, 0);
  return canvas;
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

class VideoMaskEditor {
  constructor(node) {
    this.node = node;
    this.widget = node.widgets.find((w) => w.name === "keyframes");
    const run = node.lanpaintVideo;
    this.info = run.info;                 // {frames, width, height, keyframes: the JSON the run used}
    this.frameFiles = run.frames;
    this.maskFiles = run.masks;
    this.keyframes = new Map();           // frame -> canvas (width x height), opaque = repaint
    this.readKeyframes(this.widget.value);
    this.frame = 0;
    this.tool = "brush";
    this.size = Math.max(4, Math.round(Math.max(this.info.width, this.info.height) / 32));
    this.images = new Map();
    this.build();
    this.show(0);
  }

  readKeyframes(text) {
    let data;
    try { data = JSON.parse(text || "{}"); } catch (e) { return; }
    if (data.version !== FORMAT_VERSION || !Array.isArray(data.keyframes)) return;
    for (const entry of data.keyframes) {
      if (entry.frame >= this.info.frames) continue;   // the node drops these too (with a warning)
      let canvas = decodeMask(entry.mask, data.width, data.height);
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
      .map((frame) => ({ frame, mask: encodeMask(this.keyframes.get(frame)) }));
    return JSON.stringify({ version: FORMAT_VERSION, width: this.info.width, height: this.info.height, keyframes });
  }

  build() {
    const { width, height, frames } = this.info;
    const button = (label, onclick, extra = {}) => el("button", { textContent: label, onclick, ...extra });
    this.toolButtons = TOOLS.map(([tool, label]) => button(label, () => this.setTool(tool),
      { className: "lanpaint-tool", dataset: { tool } }));
    this.sizeInput = el("input", { type: "range", min: 1, max: Math.max(width, height) / 4, value: this.size,
      className: "lanpaint-size", oninput: () => {
        this.size = Number(this.sizeInput.value);
        this.sizeLabel.textContent = "size " + this.size;
      } });
    this.sizeLabel = el("span", { textContent: "size " + this.size });
    this.slider = el("input", { type: "range", min: 0, max: frames - 1, value: 0, className: "lanpaint-frame",
      oninput: () => this.show(Number(this.slider.value)) });
    this.label = el("span", { className: "lanpaint-label" });
    this.canvas = newCanvas(width, height);
    this.canvas.className = "lanpaint-canvas";
    this.root = el("div", { id: "lanpaint-video-mask-editor" }, [
      el("div", { className: "lanpaint-bar" }, [
        ...this.toolButtons, this.sizeInput, this.sizeLabel,
        button("◀", () => this.show(this.frame - 1), { className: "lanpaint-prev" }), this.slider,
        button("▶", () => this.show(this.frame + 1), { className: "lanpaint-next" }), this.label,
        button("Copy previous keyframe", () => this.copyPrevious(), { className: "lanpaint-copy" }),
        button("Delete keyframe", () => { this.keyframes.delete(this.frame); this.show(this.frame); },
          { className: "lanpaint-delete" }),
        button("Save", () => this.save(), { className: "lanpaint-save" }),
        button("Cancel", () => this.close(), { className: "lanpaint-cancel" }),
      ]),
      el("div", { className: "lanpaint-stage" }, [this.canvas]),
      el("div", { className: "lanpaint-help", textContent: "Paint on a frame to make it a keyframe; frames between "
        + "keyframes morph from one mask to the next when the node runs. Magenta = repaint." }),
    ]);
    this.root.append(el("style", { textContent: STYLE }));
    this.canvas.addEventListener("pointerdown", (e) => this.down(e));
    this.canvas.addEventListener("pointermove", (e) => this.move(e));
    this.canvas.addEventListener("pointerup", (e) => this.up(e));
    document.body.append(this.root);
    this.fit();
    this.setTool(this.tool);
  }

  fit() {
    const { width, height } = this.info;
    const scale = Math.min((window.innerWidth - 40) / width, (window.innerHeight - 140) / height);
    this.canvas.style.width = Math.round(width * scale) + "px";
    this.canvas.style.height = Math.round(height * scale) + "px";
  }

  setTool(tool) {
    this.tool = tool;
    for (const b of this.toolButtons) b.classList.toggle("active", b.dataset.tool === tool);
  }

  point(e) {
    const rect = this.canvas.getBoundingClientRect();
    return [(e.clientX - rect.left) * this.info.width / rect.width,
            (e.clientY - rect.top) * this.info.height / rect.height];
  }

  keyframe() {
    if (!this.keyframes.has(this.frame)) this.keyframes.set(this.frame, newCanvas(this.info.width, this.info.height));
    return this.keyframes.get(this.frame);
  }

  down(e) {
    this.canvas.setPointerCapture?.(e.pointerId);
    this.start = this.last = this.point(e);
    if (this.tool === "brush" || this.tool === "eraser") this.stroke(this.start, this.start);
  }

  move(e) {
    if (!this.start) return;
    const p = this.point(e);
    if (this.tool === "brush" || this.tool === "eraser") this.stroke(this.last, p);
    this.last = p;
    this.draw();
  }

  up(e) {
    if (!this.start) return;
    const end = this.point(e);
    if (this.tool === "box" || this.tool === "ellipse") {
      this.shape(this.keyframe().getContext("2d"), this.start, end, true);
    }
    this.start = this.last = null;
    this.draw();
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
  }

  shape(ctx, [x0, y0], [x1, y1], fill) {
    ctx.beginPath();
    if (this.tool === "box") ctx.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
    else ctx.ellipse((x0 + x1) / 2, (y0 + y1) / 2, Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2, 0, 0, 2 * Math.PI);
    if (fill) {
      ctx.fillStyle = "#fff";
      ctx.fill();
    } else {
      Object.assign(ctx, { strokeStyle: "#ff0", lineWidth: 2 });
      ctx.stroke();
    }
  }

  copyPrevious() {
    const earlier = [...this.keyframes.keys()].filter((f) => f < this.frame);
    if (!earlier.length) return;
    const canvas = newCanvas(this.info.width, this.info.height);
    canvas.getContext("2d").drawImage(this.keyframes.get(Math.max(...earlier)), 0, 0);
    this.keyframes.set(this.frame, canvas);
    this.draw();
  }

  async show(frame) {
    this.frame = Math.max(0, Math.min(this.info.frames - 1, frame));
    this.slider.value = this.frame;
    const wanted = this.frame;
    this.image = await this.frameImage(this.frameFiles, wanted);
    this.computed = this.serialize() === this.info.keyframes ? await this.frameImage(this.maskFiles, wanted) : null;
    if (wanted === this.frame) this.draw();
  }

  async frameImage(files, frame) {
    const key = files === this.frameFiles ? "f" + frame : "m" + frame;
    if (!this.images.has(key) && files && files[frame]) this.images.set(key, loadImage(viewUrl(files[frame])));
    return this.images.has(key) ? this.images.get(key).catch(() => null) : null;
  }

  tinted(source, alpha) {
    const { width, height } = this.info;
    const layer = newCanvas(width, height);
    const ctx = layer.getContext("2d");
    ctx.drawImage(source, 0, 0, width, height);
    const px = ctx.getImageData(0, 0, width, height);
    for (let i = 0; i < px.data.length; i += 4) {
      const on = source instanceof HTMLCanvasElement ? px.data[i + 3] > 127 : px.data[i] > 127;
      px.data.set(on ? [...MASK_RGB, alpha] : [0, 0, 0, 0], i);
    }
    ctx.putImageData(px, 0, 0);
    return layer;
  }

  draw() {
    const { width, height } = this.info;
    const ctx = this.canvas.getContext("2d");
    ctx.clearRect(0, 0, width, height);
    if (this.image) ctx.drawImage(this.image, 0, 0, width, height);
    else { ctx.fillStyle = "#333"; ctx.fillRect(0, 0, width, height); }
    const keys = [...this.keyframes.keys()].sort((a, b) => a - b);
    let text = "frame " + this.frame + " / " + (this.info.frames - 1);
    if (this.keyframes.has(this.frame)) {
      ctx.drawImage(this.tinted(this.keyframes.get(this.frame), 140), 0, 0);
      text += " · keyframe";
    } else if (this.computed) {
      ctx.drawImage(this.tinted(this.computed, 110), 0, 0);
      text += " · as the node made it";
    } else {
      const before = keys.filter((f) => f < this.frame).pop(), after = keys.find((f) => f > this.frame);
      for (const f of [before, after]) if (f !== undefined) ctx.drawImage(this.tinted(this.keyframes.get(f), 50), 0, 0);
      const around = [before, after].filter((f) => f !== undefined);
      if (keys.length) text += " · morphs between keyframes " + around.join(" and ") + " when the node runs";
    }
    if (this.start && (this.tool === "box" || this.tool === "ellipse")) this.shape(ctx, this.start, this.last, false);
    this.label.textContent = text + " · keyframes: " + (keys.join(", ") || "none");
  }

  save() {
    this.widget.value = this.serialize();
    this.widget.callback?.(this.widget.value);
    this.node.setDirtyCanvas?.(true, true);
    app.graph.setDirtyCanvas?.(true, true);
    this.close();
  }

  close() {
    this.root.remove();
  }
}

function openEditor(node) {
  if (!node.lanpaintVideo) {
    const note = el("div", { id: "lanpaint-video-mask-editor" }, [
      el("div", { className: "lanpaint-help", textContent: "Run this node once (Queue, or right click → Queue "
        + "Selected Output Nodes) so the editor gets the video's frames; then open it again." }),
      el("button", { textContent: "Close", className: "lanpaint-cancel", onclick: () => note.remove() }),
      el("style", { textContent: STYLE }),
    ]);
    document.body.append(note);
    return null;
  }
  return new VideoMaskEditor(node);
}

const STYLE = `
#lanpaint-video-mask-editor { position: fixed; inset: 0; z-index: 10000; background: rgba(12, 12, 16, 0.94);
  color: #ddd; font: 13px sans-serif; display: flex; flex-direction: column; align-items: center; gap: 8px;
  padding: 10px; }
#lanpaint-video-mask-editor .lanpaint-bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
#lanpaint-video-mask-editor button { background: #333; color: #eee; border: 1px solid #555; border-radius: 4px;
  padding: 4px 10px; cursor: pointer; }
#lanpaint-video-mask-editor button.active { background: #a3359a; border-color: #e070d8; }
#lanpaint-video-mask-editor .lanpaint-frame { width: 240px; }
#lanpaint-video-mask-editor .lanpaint-stage { flex: 1; display: flex; align-items: center; justify-content: center; }
#lanpaint-video-mask-editor canvas { cursor: crosshair; touch-action: none; image-rendering: pixelated;
  background: #222; }
#lanpaint-video-mask-editor .lanpaint-help { color: #999; }
`;

app.registerExtension({
  name: "lanpaint_fld.video_mask_editor",
  async beforeRegisterNodeDef(nodeType, nodeData) {
    if (nodeData.name !== NODE_TYPE) return;
    const created = nodeType.prototype.onNodeCreated;
    nodeType.prototype.onNodeCreated = function () {
      const result = created?.apply(this, arguments);
      const keyframes = this.widgets?.find((w) => w.name === "keyframes");
      if (keyframes) keyframes.hidden = true;   // written by the editor, saved with the workflow
      const open = this.addWidget("button", "Open mask editor", null, () => openEditor(this), { serialize: false });
      open.serialize = false;
      return result;
    };
    const executed = nodeType.prototype.onExecuted;
    nodeType.prototype.onExecuted = function (output) {
      executed?.apply(this, arguments);
      if (output?.lanpaint_video?.length) {
        this.lanpaintVideo = { info: output.lanpaint_video[0], frames: output.lanpaint_frames,
                               masks: output.lanpaint_masks };
      }
    };
  },
});

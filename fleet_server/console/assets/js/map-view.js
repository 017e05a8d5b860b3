// Pan and zoom of an SVG map: a view (centre and metres per pixel) turned into the viewBox,
// moved by dragging, the wheel, the keyboard and buttons, and kept per map key across renders.

const ZOOM_STEP = 1.5;
const DRAG_THRESHOLD_PX = 4;
const MIN_SCALE = 0.01;
const MAX_SCALE = 20;
const savedViews = new Map();

/** The box around points [[x, y], ...] in site metres, at least `least` metres each way. */
export function boxAround(points, least = 80) {
  if (points.length === 0) return null;
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const box = { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  for (const [low, high] of [["minX", "maxX"], ["minY", "maxY"]]) {
    const grow = Math.max(0, least - (box[high] - box[low])) / 2;
    box[low] -= grow;
    box[high] += grow;
  }
  return box;
}

export class MapView {
  /** Drive `svg`'s viewBox; `home()` is the box of the whole map; `onChange(view)` runs after
   * every change (icons are rescaled). */
  constructor(svg, { viewKey, home, onChange }) {
    this.svg = svg;
    this.viewKey = viewKey;
    this.home = home;
    this.onChange = onChange;
    this.view = null;
    // True from the moment a press became a drag, so that its release opens nothing.
    this.dragged = false;
    this.bind();
  }

  /** Whether this map key had a view kept from an earlier render. */
  get saved() {
    return this.viewKey ? savedViews.get(this.viewKey) : null;
  }

  size() {
    return { width: this.svg.clientWidth || 1, height: this.svg.clientHeight || 1 };
  }

  /** The site point (metres, y up) under a pixel of the screen. */
  toSite(clientX, clientY) {
    const point = new DOMPoint(clientX, clientY).matrixTransform(this.svg.getScreenCTM().inverse());
    return { x: point.x, y: -point.y };
  }

  /** Show the whole map. */
  fit() {
    this.fitBox(this.home());
  }

  /** Fit a part of the site ({minX, maxX, minY, maxY}, metres with y up) in the view. */
  fitBox(box, pad = 1.06) {
    const { width, height } = this.size();
    const scale = Math.max(((box.maxX - box.minX) * pad) / width, ((box.maxY - box.minY) * pad) / height);
    this.set({ cx: (box.minX + box.maxX) / 2, cy: -(box.minY + box.maxY) / 2, scale: scale || 1 });
  }

  /** Centre on a site point, at `scale` metres per pixel when given. */
  centreOn(x, y, scale) {
    this.set({ cx: x, cy: -y, scale: scale || this.view.scale });
  }

  /** Zoom by a factor (>1 is closer) around a pixel of the map (its middle by default). */
  zoomBy(factor, px, py) {
    if (!this.view) return;
    const { width, height } = this.size();
    const fx = px ?? width / 2;
    const fy = py ?? height / 2;
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.view.scale / factor));
    const ax = this.view.cx + (fx - width / 2) * this.view.scale;
    const ay = this.view.cy + (fy - height / 2) * this.view.scale;
    this.set({ cx: ax - (fx - width / 2) * scale, cy: ay - (fy - height / 2) * scale, scale });
  }

  zoomIn() {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut() {
    this.zoomBy(1 / ZOOM_STEP);
  }

  /** Show this view: {cx, cy} in SVG units (y down), scale in metres per pixel. */
  set(view) {
    this.view = view;
    if (this.viewKey) savedViews.set(this.viewKey, view);
    const { width, height } = this.size();
    const w = width * view.scale;
    const h = height * view.scale;
    this.svg.setAttribute("viewBox", `${view.cx - w / 2} ${view.cy - h / 2} ${w} ${h}`);
    this.svg.dataset.scale = view.scale.toFixed(4);
    this.onChange(view);
  }

  bind() {
    let start = null;
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || !this.view) return;
      start = { x: event.clientX, y: event.clientY, cx: this.view.cx, cy: this.view.cy };
      this.dragged = false;
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (!start) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      if (!this.dragged && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      if (!this.dragged) {
        this.dragged = true;
        this.svg.setPointerCapture(event.pointerId);
        this.svg.classList.add("dragging");
      }
      this.set({ ...this.view, cx: start.cx - dx * this.view.scale, cy: start.cy - dy * this.view.scale });
    });
    const end = () => {
      start = null;
      this.svg.classList.remove("dragging");
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
    this.svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = this.svg.getBoundingClientRect();
      this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
    this.svg.addEventListener("keydown", (event) => this.key(event));
  }

  key(event) {
    if (event.target !== this.svg || !this.view) return;
    const step = 60 * this.view.scale;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      this.set({ ...this.view, cx: this.view.cx + dx, cy: this.view.cy + dy });
    } else if (event.key === "+" || event.key === "=") this.zoomIn();
    else if (event.key === "-") this.zoomOut();
    else if (event.key === "0") this.fit();
    else return;
    event.preventDefault();
  }
}

// A stand-in for Path2D that records its steps, for the canvas modules' tests (basemap.js, trail.js).
export class RecordedPath {
  constructor() {
    this.steps = [];
  }
  moveTo(x, y) {
    this.steps.push(["M", x, y]);
  }
  lineTo(x, y) {
    this.steps.push(["L", x, y]);
  }
  closePath() {
    this.steps.push(["Z"]);
  }
}

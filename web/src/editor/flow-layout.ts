// Places a flow graph top to bottom with dagre (ranked layout, edge labels given their own room so
// they never sit on a box). Box sizes come from an estimate of the text width, so no DOM is needed.
import dagre from '@dagrejs/dagre';
import type { FlowGraph } from './flow-graph.js';

export interface Box { id: string; x: number; y: number; width: number; height: number }
export interface Line { id: string; points: Array<{ x: number; y: number }>; label?: { x: number; y: number; width: number } }
export interface Layout { width: number; height: number; boxes: Map<string, Box>; lines: Map<string, Line> }

export const CHAR = 7; // px per character at the diagram's 12px font, generous for system-ui
export const MAX_CHARS = 28;
const PAD = 16;

export const clip = (t: string) => (t.length > MAX_CHARS ? `${t.slice(0, MAX_CHARS - 1)}…` : t);
const textWidth = (t: string) => clip(t).length * CHAR;

/** `lines` is how many text lines a box holds (two in the editor, three with a job's status). */
export function layoutFlow(g: FlowGraph, lines = 2): Layout {
  const d = new dagre.graphlib.Graph({ multigraph: true });
  d.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 12, marginx: 8, marginy: 8 });
  d.setDefaultEdgeLabel(() => ({}));
  const height = 14 + lines * 16;
  // A job's status line ("succeeded · 12 iterations") is not known yet: room for 25 characters.
  const min = lines > 2 ? 25 * CHAR : 110;
  for (const n of g.nodes) {
    d.setNode(n.id, { width: Math.max(min, textWidth(n.title), textWidth(n.subtitle)) + PAD, height });
  }
  for (const e of g.edges) {
    // Loop-backs weigh little so the body keeps its straight line down.
    const edge = { minlen: 1, weight: e.kind === 'back' ? 0 : e.kind === 'next' ? 2 : 1, ...(e.label ? { width: textWidth(e.label) + 6, height: 14, labelpos: 'c' as const } : {}) };
    d.setEdge(e.from, e.to, edge, e.id);
  }
  g.hints.forEach((h, i) => d.setEdge(h.from, h.to, { minlen: 1, weight: 0 }, `hint${i}`));
  dagre.layout(d);
  const boxes = new Map<string, Box>();
  for (const n of g.nodes) {
    const v = d.node(n.id);
    boxes.set(n.id, { id: n.id, x: v.x - v.width / 2, y: v.y - v.height / 2, width: v.width, height: v.height });
  }
  const lines2 = new Map<string, Line>();
  for (const e of g.edges) {
    const v = d.edge({ v: e.from, w: e.to, name: e.id }) as { points: Array<{ x: number; y: number }>; x?: number; y?: number; width?: number };
    lines2.set(e.id, { id: e.id, points: v.points, label: e.label && v.x !== undefined ? { x: v.x, y: v.y!, width: v.width ?? 0 } : undefined });
  }
  const gl = d.graph();
  return { width: Math.ceil(gl.width ?? 0), height: Math.ceil(gl.height ?? 0), boxes, lines: lines2 };
}

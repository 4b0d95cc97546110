// The read-only flow diagram: the graph of flow-graph.ts laid out by dagre and drawn as SVG that
// scales to its panel (and scrolls inside it when the panel is narrow, e.g. at 200% zoom). With a
// job's path, boxes are coloured by their runs and taken edges stand out; `onActivate` puts a
// button over each box that ran (HTML over the SVG, so the picture stays one role="img"). Screen
// readers get the same flow as a nested list.
import { useId, useMemo } from 'react';
import { graphKey, type FlowGraph, type FlowNode, type OutlineItem } from './flow-graph';
import { clip, layoutFlow } from './flow-layout';
import type { JobPath, NodeRun } from './flow-path';

interface Props { graph: FlowGraph; path?: JobPath; label: string; onActivate?: (node: FlowNode, run: NodeRun) => void }

const cls = (s: string) => s.replace(/\s+/g, '-');

function runText(n: FlowNode, r: NodeRun | undefined): string {
  if (!r) return '';
  const parts: string[] = [r.status];
  if (n.kind === 'loop' && r.iterations > 0) parts.push(`${r.iterations} iteration${r.iterations === 1 ? '' : 's'}`);
  else if (r.runs > 1) parts.push(`×${r.runs}`);
  return parts.join(' · ');
}

function curve(points: Array<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  let d = `M${points[0]!.x},${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!, q = points[i + 1]!;
    d += ` Q${p.x},${p.y} ${(p.x + q.x) / 2},${(p.y + q.y) / 2}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L${last.x},${last.y}`;
}

export default function FlowDiagram({ graph, path, label, onActivate }: Props) {
  const uid = useId().replace(/:/g, '');
  const lines = path ? 3 : 2;
  const key = graphKey(graph);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const layout = useMemo(() => layoutFlow(graph, lines), [key, lines]);
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const { width: W, height: H } = layout;
  const marker = (e: { kind: string }, taken: boolean) => `url(#${uid}-${taken ? 'taken' : e.kind === 'error' ? 'error' : 'arrow'})`;

  return (
    <div className={`flow${path ? ' has-path' : ''}`}>
      <div className="flow-scroll" role="region" aria-label={`${label} (scrollable)`} tabIndex={0}>
        <div className="flow-canvas" style={{ minWidth: `${Math.round(W * 0.75)}px`, maxWidth: `${Math.round(W * 1.25)}px` }}>
          <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: ${graph.nodes.length} boxes, ${graph.edges.length} connections. The list after it gives the same flow as text.`}>
            <defs>
              {(['arrow', 'error', 'taken'] as const).map((m) => (
                <marker key={m} id={`${uid}-${m}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" className={`flow-arrow ${m}`} />
                </marker>
              ))}
            </defs>
            {graph.edges.map((e) => {
              const l = layout.lines.get(e.id)!;
              const taken = !!path?.taken.has(e.id);
              return (
                <g key={e.id} className={`flow-edge k-${e.kind}${taken ? ' taken' : ''}`} data-edge={e.label ?? ''}>
                  <path d={curve(l.points)} markerEnd={marker(e, taken)} />
                  {l.label && e.label && (
                    <g className="flow-label">
                      <rect x={l.label.x - l.label.width / 2} y={l.label.y - 8} width={l.label.width} height={16} rx={3} />
                      <text x={l.label.x} y={l.label.y + 4} textAnchor="middle">{e.label}</text>
                    </g>
                  )}
                </g>
              );
            })}
            {graph.nodes.map((n) => {
              const b = layout.boxes.get(n.id)!;
              const r = path?.nodes.get(n.id);
              const round = n.kind === 'trigger' || n.kind === 'end' || n.kind === 'stop' || n.kind === 'failed-start' || n.kind === 'failed-end';
              const status = runText(n, r);
              return (
                <g key={n.id} className={`flow-node k-${n.kind}${r ? ` st-${cls(r.status)}` : ''}`} data-flow-node={n.id} data-flow-step={n.step ?? ''} data-status={r?.status ?? ''}>
                  <title>{`${n.title} (${n.subtitle})${status ? `: ${status}` : ''}`}</title>
                  <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={round ? b.height / 2 : 6} />
                  <text x={b.x + b.width / 2} y={b.y + 20} textAnchor="middle" className="t1">{clip(n.title)}</text>
                  <text x={b.x + b.width / 2} y={b.y + 36} textAnchor="middle" className="t2">{clip(n.subtitle)}</text>
                  {status && <text x={b.x + b.width / 2} y={b.y + 52} textAnchor="middle" className="t3">{clip(status)}</text>}
                </g>
              );
            })}
          </svg>
          {onActivate && path && graph.nodes.map((n) => {
            const r = path.nodes.get(n.id);
            const b = layout.boxes.get(n.id)!;
            if (!n.step || !r?.row) return null;
            return (
              <button key={n.id} type="button" className="flow-hit" aria-label={`Show step ${n.title} in the timeline (${runText(n, r)})`} onClick={() => onActivate(n, r)}
                style={{ left: `${(b.x / W) * 100}%`, top: `${(b.y / H) * 100}%`, width: `${(b.width / W) * 100}%`, height: `${(b.height / H) * 100}%` }} />
            );
          })}
        </div>
      </div>
      <div className="sr-only">
        <Outline items={graph.outline} byId={byId} path={path} label={`${label} as a list`} />
        {graph.onError.length > 0 && <Outline items={graph.onError} byId={byId} path={path} label="When the job fails" />}
      </div>
    </div>
  );
}

function Outline({ items, byId, path, label }: { items: OutlineItem[]; byId: Map<string, FlowNode>; path?: JobPath; label?: string }) {
  return (
    <ul aria-label={label}>
      {items.map((it) => {
        const n = byId.get(it.node)!;
        const status = runText(n, path?.nodes.get(n.id));
        return (
          <li key={it.node}>
            {n.title} ({n.subtitle}){status && `: ${status}`}
            {it.lists.length > 0 && (
              <ul>
                {it.lists.map((l) => (
                  <li key={l.label}>{l.label}: {l.items.length === 0 ? 'nothing, goes on' : <Outline items={l.items} byId={byId} path={path} />}</li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}

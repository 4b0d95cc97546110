// The editor's "Flow" panel: the diagram of the parsed definition, redrawn as the YAML changes
// (deferred, so typing stays quick on large recipes); while the YAML does not parse, the last
// good diagram stays, marked as such.
import { useDeferredValue, useMemo, useRef } from 'react';
import FlowDiagram from './FlowDiagram';
import { flowGraph, type FlowGraph } from './flow-graph';

export default function FlowPanel({ definition }: { definition: unknown }) {
  const deferred = useDeferredValue(definition);
  const last = useRef<FlowGraph | null>(null);
  const graph = useMemo(() => (deferred ? flowGraph(deferred) : null), [deferred]);
  if (graph) last.current = graph;
  const shown = graph ?? last.current;
  return (
    <section className="panel" aria-labelledby="flow-title">
      <h2 id="flow-title">Flow</h2>
      {!definition && shown && <p className="muted" role="status">The YAML has an error: this is the flow of the last YAML that parsed.</p>}
      {shown ? <FlowDiagram graph={shown} label="Flow of the recipe" /> : <p className="muted">Fix the YAML to see the flow.</p>}
    </section>
  );
}

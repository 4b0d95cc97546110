// The recipe editor's YAML pane: a CodeMirror 6 editor (line numbers, YAML highlighting, lint
// markers) in place of a bare textarea, so the lines the validator cites are visible and marked.
// It stays a controlled input: the page owns the text; edits from the visual step list are applied
// as the smallest changed span so the cursor and scroll position survive them.
import { useEffect, useRef } from 'react';
import { EditorState, Compartment } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching } from '@codemirror/language';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { parseDocument } from 'yaml';

export interface YamlProblem { path: string; line?: number; message: string }

export interface YamlPaneProps {
  value: string;
  onChange(value: string): void;
  /** The server's validation problems; each with a line becomes a marker on that line. */
  problems: YamlProblem[] | null;
  readOnly: boolean;
  /** Ctrl/Cmd+S: the page's save (the browser's "save page" is never what is meant here). */
  onSave?(): void;
  /** Called when the editor gains focus, with a function that inserts text at its cursor (datapills). */
  onFocus?(insert: (text: string) => void): void;
}

/** Diagnostics for one text: the YAML parser's own errors (found here, at once) and the server's problems. */
function diagnostics(state: EditorState, problems: YamlProblem[] | null): Diagnostic[] {
  const doc = state.doc;
  const out: Diagnostic[] = [];
  for (const e of parseDocument(doc.toString()).errors) {
    const from = Math.min(e.pos[0], doc.length);
    out.push({ from, to: Math.min(Math.max(e.pos[1], from), doc.length), severity: 'error', message: e.message.split('\n')[0] });
  }
  // A parse error already names the place; the server would only repeat it without a better line.
  if (out.length === 0) {
    for (const p of problems ?? []) {
      if (!p.line || p.line < 1 || p.line > doc.lines) continue;
      const line = doc.line(p.line);
      out.push({ from: line.from, to: line.to, severity: 'error', message: `${p.path || '/'}: ${p.message}` });
    }
  }
  return out;
}

/** Read-only for viewers: neither the state accepts changes nor the content is editable. */
const access = (readOnly: boolean) => [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];

/** The smallest replacement turning `a` into `b`, so untouched text (and a cursor in it) stays put. */
function minimalChange(a: string, b: string): { from: number; to: number; insert: string } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  return { from: start, to: endA, insert: b.slice(start, endB) };
}

export default function YamlPane({ value, onChange, problems, readOnly, onSave, onFocus }: YamlPaneProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const readOnlyConf = useRef(new Compartment());
  // Callbacks change every render; the editor's extensions read the latest through this ref.
  const latest = useRef({ onChange, onSave, onFocus, problems });
  latest.current = { onChange, onSave, onFocus, problems };

  useEffect(() => {
    const insert = (text: string) => {
      const v = view.current;
      if (!v) return;
      const { from, to } = v.state.selection.main;
      v.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length }, scrollIntoView: true });
      v.focus();
    };
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
          indentOnInput(), bracketMatching(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          yamlLanguage(), lintGutter(),
          EditorState.tabSize.of(2),
          keymap.of([
            { key: 'Mod-s', preventDefault: true, run: () => { latest.current.onSave?.(); return true; } },
            // Tab indents, but Escape then Tab leaves the editor (CodeMirror's rule), so keyboard users are not trapped.
            indentWithTab, ...defaultKeymap, ...historyKeymap,
          ]),
          readOnlyConf.current.of(access(readOnly)),
          EditorView.contentAttributes.of({ 'aria-label': 'YAML', spellcheck: 'false' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              const text = u.state.doc.toString();
              // Parse errors show at once; the server's problems come back for the new text (the page re-validates).
              queueMicrotask(() => { if (view.current === u.view) u.view.dispatch(setDiagnostics(u.view.state, diagnostics(u.view.state, null))); });
              latest.current.onChange(text);
            }
            if (u.focusChanged && u.view.hasFocus) latest.current.onFocus?.(insert);
          }),
        ],
      }),
    });
    view.current = v;
    v.dispatch(setDiagnostics(v.state, diagnostics(v.state, latest.current.problems)));
    return () => { v.destroy(); view.current = null; };
    // The editor is made once; value, problems and readOnly are pushed in by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // External changes (visual edits, a loaded recipe): apply only the changed span.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== value) v.dispatch({ changes: minimalChange(current, value) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, diagnostics(v.state, problems)));
  }, [problems]);

  useEffect(() => {
    view.current?.dispatch({ effects: readOnlyConf.current.reconfigure(access(readOnly)) });
  }, [readOnly]);

  return <div ref={host} className="editor-yaml" data-testid="yaml-editor" />;
}

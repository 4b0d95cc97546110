// The form-level error alert: the API's error as sentences naming the fields (rules in errorWords.ts).
import { fieldProblems, type FieldLabels } from './errorWords';

export { fieldProblems, plainText, type FieldLabels, type FieldProblem } from './errorWords';

/** The form-level alert; `labels` maps the request's field keys to the labels the form shows. */
export function FormError({ error, labels }: { error: unknown; labels: FieldLabels }) {
  const problems = fieldProblems(error, labels);
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="error" data-testid="form-error">
      {problems.length === 1 ? <p>{problems[0]!.sentence}</p> : <ul>{problems.map((p, i) => <li key={i}>{p.sentence}</li>)}</ul>}
    </div>
  );
}

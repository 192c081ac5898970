/**
 * The parts every form shares. Errors show twice: in a summary announced on load
 * (role="alert") that links to each field, and beside the field, tied to it by
 * aria-describedby.
 */

/** A problem with one field, or with the whole form when `field` is absent. */
export type Problem<F extends string = string> = { field?: F; message: string };

/** The message for `field`, if it has one. */
export const errorOf = <F extends string>(errors: Problem<F>[], field: F): string | undefined =>
  errors.find((e) => e.field === field)?.message;

/** Screen readers hear the page title first: say there is a problem before anything else. */
export const errorTitle = (title: string, failed: boolean): string => (failed ? `Error: ${title}` : title);

type SummaryProps<F extends string> = { errors: Problem<F>[]; idOf?: (field: F) => string };

/** The list of problems at the top of a form, each linked to its field's input; nothing when there are none. */
export function ErrorSummary<F extends string>({ errors, idOf = (field) => field }: SummaryProps<F>) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {errors.map((e) => <li>{e.field ? <a href={`#${idOf(e.field)}`}>{e.message}</a> : e.message}</li>)}
      </ul>
    </div>
  );
}

export type FieldProps = {
  id: string;
  /** the form field's name; the id when absent */
  name?: string;
  label: string;
  type?: "text" | "email" | "password" | "tel";
  autocomplete: string;
  /** what was typed; never shown for a password */
  value?: string;
  error?: string;
  hint?: string;
  extra?: Record<string, string | number>;
  /** may be left empty: not `required`, and the label says so */
  optional?: boolean;
};

/** A labelled, required input with its hint and its error. */
export function Field({ id, name = id, label, type = "text", autocomplete, value, error, hint, extra = {}, optional = false }: FieldProps) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  const aria = { "aria-invalid": error ? ("true" as const) : undefined, "aria-describedby": described || undefined, required: !optional };
  // one element per type: the type decides which attributes an input may carry
  const input = type === "password"
    ? <input id={id} name={name} type="password" autocomplete={autocomplete} {...aria} {...extra} />
    : type === "email"
      // an email address is neither capitalized nor a word to spell-check
      ? <input id={id} name={name} type="email" autocomplete={autocomplete} value={value} {...aria} autocapitalize="none" spellcheck={false} {...extra} />
      : type === "tel"
        ? <input id={id} name={name} type="tel" autocomplete={autocomplete} value={value} {...aria} {...extra} />
        : <input id={id} name={name} type="text" autocomplete={autocomplete} value={value} {...aria} {...extra} />;
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}{optional && <span class="muted"> (optional)</span>}</label>
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="field-error"><span class="visually-hidden">Error: </span>{error}</p>}
      {input}
    </div>
  );
}

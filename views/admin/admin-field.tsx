/** A console form's text field: its label, hint and error tied to the input (aria-describedby). */

export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <p id={`${id}-error`} class="field-error"><span class="visually-hidden">Error: </span>{error}</p> : null;
}

type Props = { id: string; name: string; label: string; value: string; error?: string; hint?: string; max: number; mode?: "decimal" | "numeric" };

export function AdminTextField({ id, name, label, value, error, hint, max, mode }: Props) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      <FieldError id={id} error={error} />
      <input id={id} name={name} type="text" value={value} maxLength={max} inputMode={mode} autocomplete="off"
        aria-invalid={error ? "true" : undefined} aria-describedby={described || undefined} />
    </div>
  );
}

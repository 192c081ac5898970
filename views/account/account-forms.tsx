/**
 * The sign-in and registration pages: plain form posts, so they work without JavaScript.
 * Errors show twice: in a summary announced on load (role="alert") that links to each
 * field, and beside the field, tied to it by aria-describedby. A password is never
 * echoed back.
 */
import { Layout, type Shell } from "../layout.tsx";

/** A problem with one field, or with the whole form when `field` is absent. */
export type FormError = { field?: "name" | "email" | "password"; message: string };

type Common = { shell?: Shell; errors: FormError[]; next: string };
export type RegisterProps = Common & { values: { name: string; email: string } };
export type LoginProps = Common & { values: { email: string } };

/** "Create an account": name, email, new password. */
export function RegisterPage({ shell, errors, next, values }: RegisterProps) {
  return (
    <Layout title={titled("Create an account", errors)} shell={shell}>
      <section class="card account">
        <h1>Create an account</h1>
        <ErrorSummary errors={errors} />
        <form method="post" action="/register" class="account-form">
          <input type="hidden" name="next" value={next} />
          <Field id="name" label="Name" autocomplete="name" value={values.name} error={errorOf(errors, "name")} />
          <Field id="email" label="Email" type="email" autocomplete="email" value={values.email} error={errorOf(errors, "email")} />
          <Field id="password" label="Password" type="password" autocomplete="new-password" error={errorOf(errors, "password")}
            hint="At least 10 characters, with at least one letter and one digit." />
          <button type="submit">Create account</button>
        </form>
        <p class="account-alt">Already have an account? <a href={withNext("/login", next)}>Sign in</a></p>
      </section>
    </Layout>
  );
}

/** "Sign in": email and current password. */
export function LoginPage({ shell, errors, next, values }: LoginProps) {
  return (
    <Layout title={titled("Sign in", errors)} shell={shell}>
      <section class="card account">
        <h1>Sign in</h1>
        <ErrorSummary errors={errors} />
        <form method="post" action="/login" class="account-form">
          <input type="hidden" name="next" value={next} />
          <Field id="email" label="Email" type="email" autocomplete="email" value={values.email} error={errorOf(errors, "email")} />
          <Field id="password" label="Password" type="password" autocomplete="current-password" error={errorOf(errors, "password")} />
          <button type="submit">Sign in</button>
        </form>
        <p class="account-alt">New here? <a href={withNext("/register", next)}>Create an account</a></p>
      </section>
    </Layout>
  );
}

/** "Try again in 12 minutes" for a wait of `seconds`. */
export function retryText(seconds: number): string {
  if (seconds < 60) return `Try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

function ErrorSummary({ errors }: { errors: FormError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {errors.map((e) => <li>{e.field ? <a href={`#${e.field}`}>{e.message}</a> : e.message}</li>)}
      </ul>
    </div>
  );
}

type FieldProps = {
  id: NonNullable<FormError["field"]>;
  label: string;
  type?: "text" | "email" | "password";
  autocomplete: string;
  value?: string;
  error?: string;
  hint?: string;
};

function Field({ id, label, type = "text", autocomplete, value, error, hint }: FieldProps) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  const common = {
    id, name: id, autocomplete, required: true,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described || undefined,
  };
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {hint && <p id={`${id}-hint`} class="hint">{hint}</p>}
      {error && <p id={`${id}-error`} class="field-error"><span class="visually-hidden">Error: </span>{error}</p>}
      {type === "password" ? <input type="password" {...common} />
        : type === "email" ? <input type="email" {...common} value={value} autocapitalize="none" spellcheck={false} />
        : <input type="text" {...common} value={value} />}
    </div>
  );
}

const errorOf = (errors: FormError[], field: FormError["field"]) => errors.find((e) => e.field === field)?.message;
/** Screen readers hear the page title first: say there is a problem before anything else. */
const titled = (title: string, errors: FormError[]) => (errors.length > 0 ? `Error: ${title}` : title);
const withNext = (path: string, next: string) => (next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`);

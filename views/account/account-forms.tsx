/**
 * The sign-in and registration pages: plain form posts, so they work without JavaScript.
 * Errors show in a summary and beside each field (views/form-parts.tsx). A password is
 * never echoed back.
 */
import { errorOf, errorTitle, ErrorSummary, Field, type Problem } from "../form-parts.tsx";
import { Layout, withNext, type Shell } from "../layout.tsx";

/** A problem with one field, or with the whole form when `field` is absent. */
export type FormError = Problem<"name" | "firstName" | "lastName" | "phone" | "email" | "password" | "current">;

type Common = { shell?: Shell; errors: FormError[]; next: string };
export type RegisterProps = Common & { values: { firstName: string; lastName: string; phone: string; email: string } };
export type LoginProps = Common & { values: { email: string } };

/** "Create an account": first and last name, an optional phone, email, new password. */
export function RegisterPage({ shell, errors, next, values }: RegisterProps) {
  return (
    <Layout title={titled("Create an account", errors)} shell={shell}>
      <section class="card account">
        <h1>Create an account</h1>
        <ErrorSummary errors={errors} />
        <form method="post" action="/register" class="account-form">
          <input type="hidden" name="next" value={next} />
          <Field id="firstName" label="First name" autocomplete="given-name" value={values.firstName} error={errorOf(errors, "firstName")} />
          <Field id="lastName" label="Last name" autocomplete="family-name" value={values.lastName} error={errorOf(errors, "lastName")} />
          <Field id="phone" label="Phone" type="tel" autocomplete="tel" value={values.phone} error={errorOf(errors, "phone")} optional
            hint="For text messages about your orders, if you want them." />
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
        {next === "/checkout" && <p class="account-why">Sign in to check out: your order is placed on your account, so you can follow it. Your cart is kept.</p>}
        <ErrorSummary errors={errors} />
        <form method="post" action="/login" class="account-form">
          <input type="hidden" name="next" value={next} />
          <Field id="email" label="Email" type="email" autocomplete="email" value={values.email} error={errorOf(errors, "email")} />
          <Field id="password" label="Password" type="password" autocomplete="current-password" error={errorOf(errors, "password")} />
          <button type="submit">Sign in</button>
        </form>
        <p class="account-alt"><a href="/forgot-password">Forgot your password?</a></p>
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

const titled = (title: string, errors: FormError[]) => errorTitle(title, errors.length > 0);

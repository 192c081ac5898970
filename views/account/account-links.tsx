/**
 * The pages behind the links the shop mails (verify an address, reset a password) and the
 * form that asks for a reset link. Plain forms and links: they work without JavaScript.
 */
import type { ComponentChildren } from "preact";
import { errorOf, errorTitle, ErrorSummary, Field } from "../form-parts.tsx";
import { Layout, type Shell } from "../layout.tsx";
import type { FormError } from "./account-forms.tsx";

/** A short page that says one thing, with what to do next. */
export function MessagePage({ shell, title, children }: { shell?: Shell; title: string; children: ComponentChildren }) {
  return (
    <Layout title={title} shell={shell}>
      <section class="card account">
        <h1>{title}</h1>
        {children}
      </section>
    </Layout>
  );
}

/** What following a verification link can give. */
export type VerifyResult = "verified" | "invalid" | "taken";

/**
 * The answer to a verification link. A link that does not work says why it may not, and
 * offers a new one to a signed-in account that still needs it (or asks to sign in first).
 */
export function VerifyEmailPage({ shell, result }: { shell?: Shell; result: VerifyResult }) {
  if (result === "verified") {
    return (
      <MessagePage shell={shell} title="Email address verified">
        <p>Thank you: your email address is verified.</p>
        <p class="account-alt"><a href="/">Continue shopping</a>{shell?.user && <> · <a href="/account">Your account</a></>}</p>
      </MessagePage>
    );
  }
  if (result === "taken") {
    return (
      <MessagePage shell={shell} title="This address is taken">
        <p>Another account started using this email address after the link was sent, so it cannot be yours as well.</p>
        <p class="account-alt">{shell?.user ? <a href="/account">Use another address</a> : <a href="/login?next=%2Faccount">Sign in</a>}</p>
      </MessagePage>
    );
  }
  return (
    <MessagePage shell={shell} title="This link does not work">
      <p>The verification link is wrong, already used or expired (links work once, for 24 hours).</p>
      {!shell?.user
        ? <p class="account-alt"><a href="/login?next=%2Faccount">Sign in</a> to get a new link, or sign in and see whether your address is verified already.</p>
        : shell.unverified
          ? <ResendForm back="/account" />
          : <p class="account-alt">Your address is verified already: there is nothing more to do. <a href="/">Continue shopping</a></p>}
    </MessagePage>
  );
}

/** "Send a new link": the banner's action, as a button of its own. */
function ResendForm({ back }: { back: string }) {
  return (
    <form method="post" action="/verify-email/resend" class="account-form">
      <input type="hidden" name="back" value={back} />
      <button type="submit">Send a new link</button>
    </form>
  );
}

/** "Forgot your password?": an address to send a reset link to; `sent` shows the one answer for any address. */
export function ForgotPasswordPage({ shell, errors, email, sent }: { shell?: Shell; errors: FormError[]; email: string; sent?: string }) {
  return (
    <Layout title={errorTitle("Reset your password", errors.length > 0)} shell={shell}>
      <section class="card account">
        <h1>Reset your password</h1>
        {sent ? <p class="notice" role="status">{sent}</p> : (
          <>
            <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
            <ErrorSummary errors={errors} />
            <form method="post" action="/forgot-password" class="account-form">
              <Field id="email" label="Email" type="email" autocomplete="email" value={email} error={errorOf(errors, "email")} />
              <button type="submit">Send the link</button>
            </form>
          </>
        )}
        <p class="account-alt"><a href="/login">Back to sign in</a></p>
      </section>
    </Layout>
  );
}

/** The form behind a reset link: a new password (the token rides along, hidden). */
export function ResetPasswordPage({ shell, errors, token }: { shell?: Shell; errors: FormError[]; token: string }) {
  return (
    <Layout title={errorTitle("Choose a new password", errors.length > 0)} shell={shell}>
      <section class="card account">
        <h1>Choose a new password</h1>
        <ErrorSummary errors={errors} />
        <form method="post" action="/reset-password" class="account-form">
          <input type="hidden" name="token" value={token} />
          <Field id="password" label="New password" type="password" autocomplete="new-password" error={errorOf(errors, "password")}
            hint="At least 10 characters, with at least one letter and one digit. Every session of your account ends." />
          <button type="submit">Set the new password</button>
        </form>
      </section>
    </Layout>
  );
}

/** A reset link that does not work: why it may not, and a way to get a new one. */
export function ResetLinkInvalidPage({ shell }: { shell?: Shell }) {
  return (
    <MessagePage shell={shell} title="This link does not work">
      <p>The password reset link is wrong, already used or expired (links work once, for 30 minutes).</p>
      <p class="account-alt"><a href="/forgot-password">Ask for a new link</a></p>
    </MessagePage>
  );
}

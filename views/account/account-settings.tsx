/**
 * The account page: who the account is, and the security forms (change password, change
 * email). Each part is a section of its own, so more (preferences, history) sit beside them.
 * Plain form posts; errors show in the form's summary and beside the field.
 */
import type { ComponentChildren } from "preact";
import type { Account } from "../../actors/accounts/accounts.ts";
import { errorOf, errorTitle, ErrorSummary, Field, type Problem } from "../form-parts.tsx";
import { Layout, type Shell } from "../layout.tsx";

/** What the page shows of the account. */
export type AccountView = { name: string; email: string; phone: string | null; verified: boolean };

/** The account as the page shows it. */
export const accountViewOf = (a: Account): AccountView => ({ name: a.name, email: a.email, phone: a.phone, verified: a.emailVerifiedAt !== null });

/** Field ids are unique on the page: both forms ask for a password. */
export type PasswordField = "current-password" | "new-password";
export type EmailField = "new-email" | "email-password";

export type AccountPageProps = {
  shell?: Shell;
  account: AccountView;
  passwordErrors?: Problem<PasswordField>[];
  emailErrors?: Problem<EmailField>[];
  /** what was typed in the change-email form */
  newEmail?: string;
  /** further sections, after the security forms */
  children?: ComponentChildren;
  /** a form among `children` was refused (the title says so) */
  failed?: boolean;
};

/** "Your account". */
export function AccountPage({ shell, account, passwordErrors = [], emailErrors = [], newEmail = "", children, failed: childFailed = false }: AccountPageProps) {
  const failed = childFailed || passwordErrors.length + emailErrors.length > 0;
  return (
    <Layout title={errorTitle("Your account", failed)} shell={shell}>
      <div class="account">
        <h1>Your account</h1>
        <ProfileSection account={account} />
        <ChangePasswordSection errors={passwordErrors} />
        <ChangeEmailSection errors={emailErrors} email={newEmail} current={account.email} />
        {children}
      </div>
    </Layout>
  );
}

function ProfileSection({ account }: { account: AccountView }) {
  return (
    <section class="card account-section" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <dl class="account-profile">
        <dt>Name</dt><dd>{account.name}</dd>
        <dt>Email</dt>
        <dd>
          {account.email}{" "}
          {account.verified ? <span class="badge badge-success">verified</span> : <span class="badge badge-problem">not verified</span>}
        </dd>
        <dt>Phone</dt><dd>{account.phone ?? <span class="muted">none</span>}</dd>
      </dl>
    </section>
  );
}

/** Current password, then the new one; every other session ends. */
export function ChangePasswordSection({ errors }: { errors: Problem<PasswordField>[] }) {
  return (
    <section class="card account-section" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/account/password" class="account-form">
        <Field id="current-password" name="currentPassword" label="Current password" type="password" autocomplete="current-password"
          error={errorOf(errors, "current-password")} />
        <Field id="new-password" name="newPassword" label="New password" type="password" autocomplete="new-password"
          error={errorOf(errors, "new-password")}
          hint="At least 10 characters, with at least one letter and one digit. You stay signed in here; other sessions end." />
        <button type="submit">Change password</button>
      </form>
    </section>
  );
}

/** A new address and the password; the change applies when the link mailed to the new address is followed. */
export function ChangeEmailSection({ errors, email, current }: { errors: Problem<EmailField>[]; email: string; current: string }) {
  return (
    <section class="card account-section" aria-labelledby="email-title">
      <h2 id="email-title">Change email</h2>
      <p class="muted">We send a link to the new address; until it is followed, {current} stays your address.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/account/email" class="account-form">
        <Field id="new-email" name="email" label="New email" type="email" autocomplete="email" value={email} error={errorOf(errors, "new-email")} />
        <Field id="email-password" name="password" label="Password" type="password" autocomplete="current-password"
          error={errorOf(errors, "email-password")} />
        <button type="submit">Send the link</button>
      </form>
    </section>
  );
}

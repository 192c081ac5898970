/**
 * "Recent sign-ins" for the signed-in customer: when, from which address and browser, and
 * whether the password was right, so they can spot an attempt that was not theirs. Its own
 * component, so the account page can show it too.
 */
import type { SignIn } from "../../actors/accounts/customers.ts";
import { formatTime } from "../format.ts";
import { Layout, type Shell } from "../layout.tsx";

export function RecentSignIns({ signIns }: { signIns: SignIn[] }) {
  return (
    <section class="card account" aria-labelledby="recent-sign-ins-title">
      <h2 id="recent-sign-ins-title">Recent sign-ins</h2>
      {signIns.length === 0 ? <p class="muted">No sign-ins recorded yet.</p> : (
        <>
          <p class="muted">If one of these was not you, change your password.</p>
          <ul class="sign-ins">
            {signIns.map((s) => (
              <li>
                <strong>{s.succeeded ? "Signed in" : "Wrong password"}</strong> {formatTime(s.at.toISOString())}
                <br /><span class="muted">from {s.clientAddress || "an unknown address"}{s.userAgent && <>, {s.userAgent}</>}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function RecentSignInsPage({ shell, signIns }: { shell: Shell; signIns: SignIn[] }) {
  return (
    <Layout title="Recent sign-ins" shell={shell}>
      <h1>Your account</h1>
      <RecentSignIns signIns={signIns} />
    </Layout>
  );
}

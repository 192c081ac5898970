/**
 * The accounts in the console: a search by name or email with keyset pages, and one account
 * with its orders, lifetime value and sign-in history, and the forms that disable, enable,
 * promote or demote it (each asks for a reason; disabling and demoting for a tick too).
 */
import type { CustomerDetail, CustomerRow, SignIn } from "../../actors/accounts/customers.ts";
import { formatMoney, formatTime } from "../format.ts";
import type { Shell } from "../layout.tsx";
import type { OrderStatus } from "../../actors/contracts/index.ts";
import { StatusBadge } from "../order/order-status.tsx";
import { AdminLayout } from "./admin-layout.tsx";

export type CustomerTool = "disable" | "enable" | "promote" | "demote";

export const CUSTOMER_TOOL_TEXT: Record<CustomerTool, { label: string; does: string; destructive: boolean }> = {
  disable: { label: "Disable account", does: "Signs the account out everywhere and refuses its sign-ins until it is enabled again.", destructive: true },
  enable: { label: "Enable account", does: "Lets the account sign in again.", destructive: false },
  promote: { label: "Make admin", does: "Gives the account the whole admin console.", destructive: false },
  demote: { label: "Make customer", does: "Takes the admin console away from the account (its next access token has no admin role).", destructive: true },
};

const time = (d: Date | null) => (d ? formatTime(d.toISOString()) : "never");

type ListProps = { shell: Shell; q: string; customers: CustomerRow[]; next: string | null; first: string | null };

export function CustomersPage({ shell, q, customers, next, first }: ListProps) {
  return (
    <AdminLayout title="Customers" shell={shell} section="/admin/customers">
      <section class="card" aria-labelledby="customers-title">
        <h1 id="customers-title">Customers</h1>
        <p class="muted">Every account, customers and admins, by email. Open one to see its orders and sign-ins, or to disable it or change its role.</p>
        <form method="get" action="/admin/customers" class="filters" role="search" aria-label="Search the accounts">
          <label>Name or email<input type="search" name="q" value={q} maxLength={200} /></label>
          <button type="submit">Search</button>
          {q && <a href="/admin/customers">Clear</a>}
        </form>
        <div class="table-scroll">
          <table class="admin-table customers-table">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th></tr>
            </thead>
            <tbody>
              {customers.map((u) => (
                <tr>
                  <td><a href={`/admin/customers/${u.id}`}>{u.name || "(no name)"}</a></td>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>{u.disabledAt ? <strong>disabled</strong> : "active"}</td>
                  <td>{time(u.lastLoginAt)}</td>
                </tr>
              ))}
              {customers.length === 0 && <tr><td colSpan={5}>{q ? `No account's name or email contains "${q}".` : "No accounts yet."}</td></tr>}
            </tbody>
          </table>
        </div>
        <nav aria-label="Pages" class="pager">
          {first && <a href={first}>← First page</a>}
          {next && <a href={next} rel="next">Next page →</a>}
        </nav>
      </section>
    </AdminLayout>
  );
}

type DetailProps = { shell: Shell; customer: CustomerDetail; self: boolean; notice?: string; refused?: string };

export function CustomerPage({ shell, customer: u, self, notice, refused }: DetailProps) {
  const tools: CustomerTool[] = [u.disabledAt ? "enable" : "disable", u.role === "admin" ? "demote" : "promote"];
  return (
    <AdminLayout title={u.name || u.email} shell={shell} section="/admin/customers">
      <section class="card" aria-labelledby="customer-title">
        <p><a href="/admin/customers">← All customers</a></p>
        <h1 id="customer-title">{u.name || "(no name)"}</h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        {refused && <p class="refusal" role="alert">{refused}</p>}
        <dl class="facts">
          <dt>Email</dt><dd>{u.email}</dd>
          <dt>Role</dt><dd>{u.role}</dd>
          <dt>Status</dt><dd>{u.disabledAt ? <strong>disabled since {time(u.disabledAt)}</strong> : "active"}</dd>
          <dt>Account since</dt><dd>{time(u.createdAt)}</dd>
          <dt>Last sign-in</dt><dd>{time(u.lastLoginAt)}</dd>
          <dt>Orders</dt><dd>{u.orderCount}</dd>
          <dt>Lifetime value</dt><dd>{formatMoney(u.lifetimeValue, "USD")} <span class="muted">(orders not cancelled, refunded or failed, in USD)</span></dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="account-tools-title">
        <h2 id="account-tools-title">Account</h2>
        {self && <p class="muted">This is your own account.</p>}
        <div class="tools">
          {tools.map((tool) => <CustomerToolForm id={u.id} tool={tool} />)}
        </div>
      </section>
      <section class="card" aria-labelledby="customer-orders-title">
        <h2 id="customer-orders-title">Orders</h2>
        {u.orders.length === 0 ? <p class="muted">No orders yet.</p> : (
          <div class="table-scroll">
            <table class="admin-table">
              <thead><tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Status</th><th scope="col" class="num">Total</th></tr></thead>
              <tbody>
                {u.orders.map((o) => (
                  <tr>
                    <td><a href={`/admin/orders/${o.id}`} class="order-id">{o.id.slice(0, 8)}</a></td>
                    <td>{time(o.createdAt)}</td>
                    <td><StatusBadge status={o.status as OrderStatus} /></td>
                    <td class="num">{formatMoney(o.total, o.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {u.orderCount > u.orders.length && <p class="muted">The latest {u.orders.length} of {u.orderCount} orders.</p>}
      </section>
      <section class="card" aria-labelledby="customer-sign-ins-title">
        <h2 id="customer-sign-ins-title">Sign-ins</h2>
        <SignInTable signIns={u.signIns} />
      </section>
    </AdminLayout>
  );
}

/** The latest sign-in attempts: when, from where, with what, and whether they succeeded. */
export function SignInTable({ signIns }: { signIns: SignIn[] }) {
  if (signIns.length === 0) return <p class="muted">No sign-ins recorded.</p>;
  return (
    <div class="table-scroll">
      <table class="admin-table sign-ins-table">
        <thead><tr><th scope="col">When</th><th scope="col">Result</th><th scope="col">Address</th><th scope="col">Browser</th></tr></thead>
        <tbody>
          {signIns.map((s) => (
            <tr>
              <td>{time(s.at)}</td>
              <td>{s.succeeded ? "signed in" : <strong>refused</strong>}</td>
              <td>{s.clientAddress}</td>
              <td class="muted">{s.userAgent}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CustomerToolForm({ id, tool }: { id: string; tool: CustomerTool }) {
  const text = CUSTOMER_TOOL_TEXT[tool];
  const field = `reason-${tool}`;
  return (
    <form method="post" action={`/admin/customers/${id}/${tool}`} class="tool">
      <p class="muted">{text.does}</p>
      <label for={field} class="reason-field">
        Reason (for the audit log)
        <input id={field} name="reason" required maxLength={500} />
      </label>
      {text.destructive && (
        <label class="confirm"><input type="checkbox" name="confirm" value="yes" required /> Yes, {text.label.toLowerCase()}</label>
      )}
      <button type="submit" class={text.destructive ? "danger" : undefined}>{text.label}</button>
    </form>
  );
}

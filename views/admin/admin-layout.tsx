/**
 * The admin console's frame: the shop's header, then the console's own navigation, wide,
 * with the open alerts' count and the newest of them, live.
 */
import type { ComponentChildren } from "preact";
import { Layout, type Shell } from "../layout.tsx";
import { ALERT_STREAM, AlertCount, AlertStrip } from "./alert-watch.tsx";

/** The console's sections, in the order an operator reaches for them. */
export const ADMIN_SECTIONS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/orders", label: "Orders" },
  { href: "/admin/alerts", label: "Alerts" },
  { href: "/admin/dead-letters", label: "Dead letters" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/products", label: "Products" },
  { href: "/admin/stock", label: "Stock" },
  { href: "/admin/categories", label: "Categories" },
  { href: "/admin/customers", label: "Customers" },
  { href: "/admin/mail", label: "Mail" },
  { href: "/admin/rates", label: "Rates" },
] as const;

export type AdminSection = (typeof ADMIN_SECTIONS)[number]["href"];

type Props = { title: string; shell: Shell; section: AdminSection; children: ComponentChildren };

export function AdminLayout({ title, shell, section, children }: Props) {
  return (
    <Layout title={`${title} · Admin`} shell={shell}>
      <div class="wide admin">
        <nav aria-label="Admin" class="admin-nav" {...(shell.alerts ? { "hx-sse:connect": ALERT_STREAM, "hx-swap": "none" } : {})}>
          {ADMIN_SECTIONS.map((s) => (
            <a href={s.href} aria-current={s.href === section ? "page" : undefined}>
              {s.label}
              {s.href === "/admin/alerts" && shell.alerts && <AlertCount open={shell.alerts.open} />}
            </a>
          ))}
        </nav>
        {shell.alerts && <AlertStrip summary={shell.alerts} />}
        {children}
      </div>
    </Layout>
  );
}

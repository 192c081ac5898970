/** The HTML shell of every page: no inline script, so a strict CSP can allow only /assets. */
import type { ComponentChildren, VNode } from "preact";
import { render } from "preact-render-to-string";

/** Script and stylesheet URLs served by edge/assets.ts. */
export const ASSETS = { htmx: "/assets/htmx.js", sse: "/assets/hx-sse.js", css: "/assets/app.css" } as const;

type Props = { title: string; children: ComponentChildren };

/**
 * A full document. The scripts sit at the end of <body> without `defer`: htmx starts on
 * DOMContentLoaded only if the document is still loading when it runs; with `defer` it
 * would start on a timer that can fire before hx-sse.js has registered its extension.
 */
export function Layout({ title, children }: Props) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {/* no favicon yet: an empty data: icon saves every page a request that would 404 */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={ASSETS.css} />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a href="/" class="brand">saga shop</a>
        </header>
        <main id="main">{children}</main>
        <script src={ASSETS.htmx}></script>
        <script src={ASSETS.sse}></script>
      </body>
    </html>
  );
}

/** Renders a full page with its doctype. */
export const renderDocument = (page: VNode): string => `<!doctype html>${render(page)}`;

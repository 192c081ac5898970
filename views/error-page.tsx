/** A small page for requests the edge cannot answer with content (400, 401, 404, 409). */
import { Layout, type Shell } from "./layout.tsx";

type Props = {
  title: string;
  message: string;
  /** the site header; absent only when it could not be worked out (the page still renders) */
  shell?: Shell;
};

/** A titled message with a way back home, inside the usual header. */
export function ErrorPage({ title, message, shell }: Props) {
  return (
    <Layout title={title} shell={shell}>
      <section class="card">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href="/">Back to the shop</a>
        </p>
      </section>
    </Layout>
  );
}

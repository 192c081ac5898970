/** A small page for requests the edge cannot answer with content (401, 404). */
import { Layout } from "./layout.tsx";

type Props = { title: string; message: string };

/** A titled message with a way back home. */
export function ErrorPage({ title, message }: Props) {
  return (
    <Layout title={title}>
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

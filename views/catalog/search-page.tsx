/** Search results: the listing for the words in the header's search box. */
import { Layout, type Shell } from "../layout.tsx";
import { LiveListing, type ListingProps } from "./listing.tsx";

type Props = { shell: Shell } & Omit<ListingProps, "showCategories" | "action">;

/** Heading names the query (or "All products" when there is none), then the listing. */
export function SearchPage({ shell, ...listing }: Props) {
  return (
    <Layout title={listing.q ? `Search: ${listing.q}` : "All products"} shell={shell}>
      <div class="wide catalog">
        <h1>{listing.q ? <>Results for “{listing.q}”</> : "All products"}</h1>
        <LiveListing {...listing} action="/search" showCategories={true} />
      </div>
    </Layout>
  );
}

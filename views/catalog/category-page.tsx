/** A category's products, with the same listing, filters and pages as search. */
import type { Category } from "../../actors/catalog/search.ts";
import { Layout, type Shell } from "../layout.tsx";
import { LiveListing, type ListingProps } from "./listing.tsx";

type Props = { shell: Shell; category: Category } & Omit<ListingProps, "showCategories" | "q">;

/** Breadcrumb, heading, listing. */
export function CategoryPage({ shell, category, ...listing }: Props) {
  return (
    <Layout title={category.name} shell={shell}>
      <div class="wide catalog">
        <nav aria-label="Breadcrumb" class="breadcrumb">
          <a href="/">Home</a> <span aria-hidden="true">›</span> <span aria-current="page">{category.name}</span>
        </nav>
        <h1>{category.name}</h1>
        <LiveListing {...listing} q="" showCategories={false} />
      </div>
    </Layout>
  );
}

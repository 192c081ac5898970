/** The cart page: the cart region inside the site layout. */
import { errorTitle } from "../form-parts.tsx";
import { Layout, type Shell } from "../layout.tsx";
import { CartRegion, type CartRegionProps } from "./cart-region.tsx";

/** GET /cart, and a refused change without JavaScript (the region shows why). */
export function CartPage({ shell, ...region }: CartRegionProps & { shell: Shell }) {
  return (
    <Layout title={errorTitle("Your cart", !!region.error)} shell={shell}>
      <CartRegion {...region} />
    </Layout>
  );
}

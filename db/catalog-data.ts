/**
 * The demo catalog: plain data, no randomness, so every fresh database starts identical.
 * Prices are USD minor units (cents). Brands and titles are invented for the demo.
 */

export const CATALOG_CURRENCY = "USD";
export const CATEGORIES = ["Laptops", "Phones", "Audio", "Home & Kitchen", "Books", "Sports", "Toys"] as const;
export type Category = (typeof CATEGORIES)[number];

export type CatalogProduct = {
  sku: string;
  name: string;
  category: Category;
  brand: string;
  description: string;
  /** USD cents. */
  price: number;
  /** 1.0-5.0, one decimal. */
  rating: number;
  /** Units on hand when the shop opens. */
  initialStock: number;
  /** 2-3 image paths; the files are generated separately. */
  images: string[];
};

type Row = Omit<CatalogProduct, "images">;

const ROWS: Row[] = [
  // Laptops
  { sku: "LAP-001", category: "Laptops", brand: "Altair", name: "Altair Air 13", price: 99900, rating: 4.5, initialStock: 42, description: "A 13-inch ultralight with a 2.8K display and a battery rated for 18 hours. Weighs 1.1 kg and charges over USB-C." },
  { sku: "LAP-002", category: "Laptops", brand: "Altair", name: "Altair Pro 16", price: 229900, rating: 4.7, initialStock: 25, description: "A 16-inch workstation with 32 GB of memory and a 1 TB SSD. The aluminium chassis stays quiet under sustained load." },
  { sku: "LAP-003", category: "Laptops", brand: "Keystone", name: "Keystone Workbook 14", price: 84900, rating: 4.2, initialStock: 60, description: "A dependable 14-inch business laptop with a spill-resistant keyboard and a fingerprint reader. Ships with a three-year warranty." },
  { sku: "LAP-004", category: "Laptops", brand: "Keystone", name: "Keystone Workbook 15 Plus", price: 109900, rating: 4.3, initialStock: 35, description: "The 15-inch Workbook adds a numeric keypad and a brighter anti-glare screen. Two Thunderbolt ports drive dual monitors." },
  { sku: "LAP-005", category: "Laptops", brand: "Norrland", name: "Norrland Studio 14", price: 179900, rating: 4.8, initialStock: 7, description: "A colour-calibrated OLED laptop made for photographers and editors. Covers 100% of DCI-P3 out of the box." },
  { sku: "LAP-006", category: "Laptops", brand: "Vireo", name: "Vireo Chromebook 11", price: 27900, rating: 3.9, initialStock: 120, description: "A rugged 11-inch Chromebook for school bags. Boots in seconds and survives a drop from desk height." },
  { sku: "LAP-007", category: "Laptops", brand: "Vireo", name: "Vireo Flip 14 2-in-1", price: 64900, rating: 4.1, initialStock: 55, description: "A convertible 14-inch touchscreen that folds into a tablet. Includes an active pen that magnetically docks to the lid." },
  { sku: "LAP-008", category: "Laptops", brand: "Tessera", name: "Tessera Gaming 17", price: 189900, rating: 4.4, initialStock: 22, description: "A 17-inch gaming laptop with a 240 Hz panel and per-key RGB lighting. Vapour-chamber cooling keeps frame rates steady." },
  { sku: "LAP-009", category: "Laptops", brand: "Norrland", name: "Norrland Travel 12", price: 119900, rating: 4.0, initialStock: 0, description: "A 12-inch carbon-fibre laptop under 900 grams. Built-in LTE keeps you online between airports." },
  // Phones
  { sku: "PHN-001", category: "Phones", brand: "Lumen", name: "Lumen 8", price: 69900, rating: 4.4, initialStock: 150, description: "A 6.1-inch phone with a 50 MP main camera and two-day battery life. Five years of security updates are included." },
  { sku: "PHN-002", category: "Phones", brand: "Lumen", name: "Lumen 8 Pro", price: 99900, rating: 4.6, initialStock: 80, description: "Adds a 5x periscope telephoto and a 120 Hz LTPO display to the Lumen 8. Charges to 50% in 20 minutes." },
  { sku: "PHN-003", category: "Phones", brand: "Lumen", name: "Lumen 8 Mini", price: 59900, rating: 4.2, initialStock: 3, description: "Everything in the Lumen 8 in a 5.4-inch body that fits a jeans pocket. Easy to use with one hand." },
  { sku: "PHN-004", category: "Phones", brand: "Orbit", name: "Orbit X2", price: 44900, rating: 4.0, initialStock: 110, description: "A mid-range phone with a large 5,000 mAh battery and a headphone jack. Expandable storage up to 1 TB." },
  { sku: "PHN-005", category: "Phones", brand: "Orbit", name: "Orbit X2 Lite", price: 27900, rating: 3.8, initialStock: 200, description: "An affordable 6.5-inch phone with stereo speakers and NFC payments. A solid first smartphone." },
  { sku: "PHN-006", category: "Phones", brand: "Kestrel", name: "Kestrel Fold", price: 179900, rating: 4.1, initialStock: 12, description: "A book-style foldable that opens into a 7.6-inch tablet. The hinge is rated for 400,000 folds." },
  { sku: "PHN-007", category: "Phones", brand: "Kestrel", name: "Kestrel One", price: 52900, rating: 4.3, initialStock: 65, description: "A clean, bloat-free phone with a matte glass back. Night mode takes sharp photos by candlelight." },
  { sku: "PHN-008", category: "Phones", brand: "Pebble", name: "Pebble Basic", price: 12900, rating: 3.6, initialStock: 180, description: "A simple phone with big buttons, an SOS key and a week of standby. Ideal as a backup or for grandparents." },
  { sku: "PHN-009", category: "Phones", brand: "Fieldline", name: "Fieldline R5 Rugged", price: 38900, rating: 4.2, initialStock: 40, description: "An IP69K rugged phone with a glove-friendly screen and a built-in flashlight. Survives mud, dust and pressure washing." },
  // Audio
  { sku: "AUD-001", category: "Audio", brand: "Sonora", name: "Sonora Quiet 700 Headphones", price: 34900, rating: 4.7, initialStock: 90, description: "Over-ear noise-cancelling headphones with 30 hours of playback. Memory-foam cushions stay comfortable on long flights." },
  { sku: "AUD-002", category: "Audio", brand: "Sonora", name: "Sonora Buds 2", price: 17900, rating: 4.4, initialStock: 140, description: "True wireless earbuds with adaptive noise cancelling and a wireless charging case. Sweat-resistant to IPX4." },
  { sku: "AUD-003", category: "Audio", brand: "Halden", name: "Halden Studio Monitor Pair", price: 44900, rating: 4.6, initialStock: 25, description: "A pair of 5-inch active studio monitors with a flat, honest response. Balanced XLR and TRS inputs on the back." },
  { sku: "AUD-004", category: "Audio", brand: "Halden", name: "Halden T1 Turntable", price: 29900, rating: 4.3, initialStock: 30, description: "A belt-drive turntable with a built-in phono preamp and a pre-mounted cartridge. Plays 33 and 45 RPM records." },
  { sku: "AUD-005", category: "Audio", brand: "Brio", name: "Brio Pocket Speaker", price: 5900, rating: 4.1, initialStock: 200, description: "A palm-sized waterproof Bluetooth speaker that floats. Clip it to a backpack for 12 hours of music." },
  { sku: "AUD-006", category: "Audio", brand: "Brio", name: "Brio Party Speaker XL", price: 24900, rating: 4.0, initialStock: 45, description: "A big-bass party speaker with light effects and a karaoke microphone input. Wheels and a handle make it easy to move." },
  { sku: "AUD-007", category: "Audio", brand: "Sonora", name: "Sonora Soundbar 5.1", price: 59900, rating: 4.5, initialStock: 8, description: "A 5.1 soundbar with a wireless subwoofer and rear satellites. Dialogue enhancement makes quiet voices clear." },
  { sku: "AUD-008", category: "Audio", brand: "Tono", name: "Tono USB Microphone", price: 12900, rating: 4.4, initialStock: 75, description: "A cardioid condenser microphone for podcasts and calls. Plug it in over USB-C and monitor through the headphone jack." },
  { sku: "AUD-009", category: "Audio", brand: "Tono", name: "Tono Open-Ear Sport Buds", price: 9900, rating: 3.9, initialStock: 100, description: "Open-ear buds that leave you hearing traffic on a run. Flexible hooks keep them in place on rough trails." },
  // Home & Kitchen
  { sku: "HOM-001", category: "Home & Kitchen", brand: "Forge & Hearth", name: "Forge & Hearth 5.5 qt Dutch Oven", price: 8900, rating: 4.8, initialStock: 60, description: "An enamelled cast-iron Dutch oven for braises, stews and bread. Oven-safe to 500°F." },
  { sku: "HOM-002", category: "Home & Kitchen", brand: "Forge & Hearth", name: "Forge & Hearth 10-inch Skillet", price: 3900, rating: 4.7, initialStock: 150, description: "A pre-seasoned cast-iron skillet that gets better with every use. Works on gas, induction and open flame." },
  { sku: "HOM-003", category: "Home & Kitchen", brand: "Brewline", name: "Brewline Pour-Over Kettle", price: 6900, rating: 4.5, initialStock: 85, description: "A gooseneck electric kettle with temperature presets for green tea, oolong and coffee. Holds the temperature for an hour." },
  { sku: "HOM-004", category: "Home & Kitchen", brand: "Brewline", name: "Brewline Burr Grinder", price: 12900, rating: 4.3, initialStock: 40, description: "A conical burr grinder with 40 settings from espresso to cold brew. Low-speed motor keeps the beans cool." },
  { sku: "HOM-005", category: "Home & Kitchen", brand: "Kirra", name: "Kirra Stand Mixer", price: 34900, rating: 4.6, initialStock: 20, description: "A tilt-head stand mixer with a 5-quart steel bowl. Comes with a whisk, a paddle and a dough hook." },
  { sku: "HOM-006", category: "Home & Kitchen", brand: "Kirra", name: "Kirra Air Fryer 6 qt", price: 11900, rating: 4.2, initialStock: 130, description: "A 6-quart air fryer with a window to watch the food crisp. The basket and tray are dishwasher-safe." },
  { sku: "HOM-007", category: "Home & Kitchen", brand: "Linden", name: "Linden Linen Duvet Set, Queen", price: 18900, rating: 4.4, initialStock: 35, description: "A stonewashed linen duvet cover with two pillowcases. Breathable in summer and softer after every wash." },
  { sku: "HOM-008", category: "Home & Kitchen", brand: "Linden", name: "Linden 8-inch Chef's Knife", price: 9900, rating: 4.6, initialStock: 70, description: "A forged high-carbon steel chef's knife with a full tang. Balanced for rocking cuts and fine dicing." },
  { sku: "HOM-009", category: "Home & Kitchen", brand: "Aero", name: "Aero Robot Vacuum", price: 29900, rating: 3.9, initialStock: 5, description: "A slim robot vacuum that maps your rooms and empties itself into its dock. Schedules cleaning from the app." },
  { sku: "HOM-010", category: "Home & Kitchen", brand: "Brewline", name: "Brewline Espresso Machine", price: 49900, rating: 4.3, initialStock: 0, description: "A dual-boiler espresso machine with a PID controller and a steam wand for latte art. Heats up in under five minutes." },
  // Books
  { sku: "BOK-001", category: "Books", brand: "Quill & Ledger", name: "Sagas and Compensations: A Field Guide", price: 4499, rating: 4.6, initialStock: 120, description: "A practical guide to long-running business transactions across services. Every chapter ends with a failure to inject and a fix." },
  { sku: "BOK-002", category: "Books", brand: "Harbor Press", name: "The Quiet Orchard", price: 1799, rating: 4.3, initialStock: 200, description: "A family returns to an abandoned apple farm and the secrets buried under it. A warm, slow-burning debut novel." },
  { sku: "BOK-003", category: "Books", brand: "Northlight Books", name: "Salt, Smoke and Time", price: 3499, rating: 4.7, initialStock: 60, description: "A cookbook about curing, smoking and fermenting at home. Over 120 recipes with step-by-step photographs." },
  { sku: "BOK-004", category: "Books", brand: "Northlight Books", name: "A Short History of Maps", price: 2299, rating: 4.2, initialStock: 45, description: "How people drew the world, from clay tablets to satellites. Richly illustrated with maps from twelve centuries." },
  { sku: "BOK-005", category: "Books", brand: "Harbor Press", name: "The Lighthouse Keeper's Daughter", price: 1599, rating: 4.0, initialStock: 90, description: "A storm strands a stranger on a remote island in 1911. A historical mystery told through letters and logbooks." },
  { sku: "BOK-006", category: "Books", brand: "Quill & Ledger", name: "Practical Postgres for Application Developers", price: 4999, rating: 4.5, initialStock: 30, description: "Indexes, transactions and locking explained with the queries your app actually runs. Includes a chapter on the outbox pattern." },
  { sku: "BOK-007", category: "Books", brand: "Northlight Books", name: "Small Gardens, Big Harvests", price: 2699, rating: 4.4, initialStock: 55, description: "Grow vegetables on a balcony, a rooftop or a strip of yard. Planting calendars for every climate zone." },
  { sku: "BOK-008", category: "Books", brand: "Harbor Press", name: "Stars Over the Steppe", price: 1899, rating: 4.1, initialStock: 4, description: "An epic of horse riders, astronomers and a comet that changes everything. The first book of a trilogy." },
  { sku: "BOK-009", category: "Books", brand: "Quill & Ledger", name: "Logs, Offsets and Partitions", price: 3999, rating: 4.3, initialStock: 75, description: "An illustrated introduction to event logs and stream processing. Explains ordering, consumer groups and exactly-once in plain words." },
  // Sports
  { sku: "SPT-001", category: "Sports", brand: "Summit Gear", name: "Summit 40L Hiking Pack", price: 12900, rating: 4.6, initialStock: 50, description: "A 40-litre pack with a ventilated back panel and a built-in rain cover. Hip-belt pockets hold a phone and snacks." },
  { sku: "SPT-002", category: "Sports", brand: "Summit Gear", name: "Summit Trekking Poles (Pair)", price: 6900, rating: 4.4, initialStock: 80, description: "Collapsible carbon trekking poles with cork grips. Fold down to 38 cm for the flight home." },
  { sku: "SPT-003", category: "Sports", brand: "Stride", name: "Stride Road Running Shoe", price: 13900, rating: 4.5, initialStock: 110, description: "A cushioned daily trainer with a breathable knit upper. Built for 800 km of road miles." },
  { sku: "SPT-004", category: "Sports", brand: "Stride", name: "Stride Trail Running Shoe", price: 14900, rating: 4.3, initialStock: 65, description: "Aggressive 5 mm lugs and a rock plate for technical trails. Drains quickly after river crossings." },
  { sku: "SPT-005", category: "Sports", brand: "Ridgeway", name: "Ridgeway Yoga Mat 6 mm", price: 4900, rating: 4.4, initialStock: 160, description: "A non-slip natural rubber mat with alignment lines. Thick enough to cushion knees on hard floors." },
  { sku: "SPT-006", category: "Sports", brand: "Ridgeway", name: "Ridgeway Adjustable Dumbbells", price: 29900, rating: 4.6, initialStock: 24, description: "A pair of dumbbells that adjust from 2 to 24 kg with a turn of the dial. Replaces fifteen pairs of weights." },
  { sku: "SPT-007", category: "Sports", brand: "Velo", name: "Velo Road Helmet", price: 8900, rating: 4.2, initialStock: 70, description: "A lightweight road cycling helmet with rotational impact protection. Eighteen vents keep your head cool on climbs." },
  { sku: "SPT-008", category: "Sports", brand: "Velo", name: "Velo Bike Light Set", price: 3900, rating: 4.0, initialStock: 140, description: "A USB-rechargeable front and rear light set visible from 500 metres. Mounts to any handlebar without tools." },
  { sku: "SPT-009", category: "Sports", brand: "Tidal", name: "Tidal Insulated Bottle 32 oz", price: 3499, rating: 4.7, initialStock: 200, description: "A double-walled steel bottle that keeps drinks cold for 24 hours. The wide mouth fits ice cubes." },
  // Toys
  { sku: "TOY-001", category: "Toys", brand: "Brickwise", name: "Brickwise Harbor Town Set", price: 8999, rating: 4.8, initialStock: 40, description: "A 1,200-piece building set with a fish market, a ferry and a working crane. For builders aged 9 and up." },
  { sku: "TOY-002", category: "Toys", brand: "Brickwise", name: "Brickwise Starter Box", price: 2999, rating: 4.5, initialStock: 120, description: "Four hundred classic bricks in bright colours with idea cards to get started. The storage box doubles as a baseplate." },
  { sku: "TOY-003", category: "Toys", brand: "Tumble Toys", name: "Tumble Wooden Train Set", price: 5999, rating: 4.6, initialStock: 35, description: "A beechwood train set with a bridge, a tunnel and magnetic carriages. Compatible with most wooden track systems." },
  { sku: "TOY-004", category: "Toys", brand: "Tumble Toys", name: "Tumble Stacking Rainbow", price: 2499, rating: 4.4, initialStock: 90, description: "Seven hand-painted wooden arches that stack, balance and rock. Finished with non-toxic water-based paint." },
  { sku: "TOY-005", category: "Toys", brand: "Puzzleworks", name: "Puzzleworks Coastline Puzzle, 1000 Pieces", price: 1999, rating: 4.3, initialStock: 75, description: "A 1000-piece jigsaw of a rocky coastline at sunset. Thick, snug-fitting pieces and a poster for reference." },
  { sku: "TOY-006", category: "Toys", brand: "Zoomcraft", name: "Zoomcraft RC Stunt Car", price: 4999, rating: 3.9, initialStock: 60, description: "A remote-control car that flips, spins and drives on either side. Rechargeable battery gives 25 minutes of play." },
  { sku: "TOY-007", category: "Toys", brand: "Plushwood", name: "Plushwood Sleepy Fox", price: 2299, rating: 4.9, initialStock: 150, description: "An extra-soft plush fox with a curled tail for cuddling. Machine washable and safe from birth." },
  { sku: "TOY-008", category: "Toys", brand: "Tinker Lab", name: "Tinker Lab Circuit Kit", price: 6999, rating: 4.5, initialStock: 28, description: "Snap-together circuits that light lamps, spin fans and play sounds. Thirty guided projects teach the basics of electricity." },
  { sku: "TOY-009", category: "Toys", brand: "Meeple Night", name: "Harvest Kingdoms Board Game", price: 4499, rating: 4.6, initialStock: 45, description: "A strategy game of farming, trading and building for 2-4 players. Games last about an hour." },
];

/** Every third product has two photos, the rest three, so galleries of both sizes exist. */
export const CATALOG: readonly CatalogProduct[] = ROWS.map((row, i) => ({
  ...row,
  images: Array.from({ length: i % 3 === 2 ? 2 : 3 }, (_, n) => `/images/${row.sku}-${n + 1}.svg`),
}));

/** A star rating that reads as words to assistive technology ("4.5 out of 5"). */

const STARS = 5;

/** Stars for the eye (hidden from screen readers) and the rating as text for everyone. */
export function Rating({ value }: { value: number }) {
  const full = Math.min(STARS, Math.floor(value)); // the text gives the exact figure
  return (
    <span class="rating">
      <span class="stars" aria-hidden="true">{"★".repeat(full) + "☆".repeat(Math.max(0, STARS - full))}</span>{" "}
      <span class="rating-text">{`${value.toFixed(1)} out of ${STARS}`}</span>
    </span>
  );
}

/** A star rating drawn to its exact value (4.9 fills nine tenths of the fifth star) that reads as words ("4.9 out of 5"). */

const STARS = 5;
/** Each star's cell; the star itself spans INSET..SIZE-INSET of it (see STAR's points). */
const SIZE = 24;
const INSET = 2;
const STAR = "M12 2l3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27l6.91-1.01z";

/** Five star outlines side by side. */
function StarRow() {
  return (
    <>
      {Array.from({ length: STARS }, (_, i) => <path d={STAR} transform={`translate(${i * SIZE} 0)`} />)}
    </>
  );
}

/**
 * How far the gold reaches: whole stars, then the fraction of the next star's own width -
 * not of its cell, or 4.9 would stop in the gap after the fifth star and read as five.
 */
function goldWidth(value: number): number {
  const clamped = Math.max(0, Math.min(STARS, value));
  const whole = Math.floor(clamped);
  const part = clamped - whole;
  return whole * SIZE + (part > 0 ? INSET + part * (SIZE - 2 * INSET) : 0);
}

/**
 * Grey stars with gold ones over them, cut to the rating's width by a nested <svg> (which
 * clips to its own viewport): no inline style, so the CSP holds. The picture is hidden from
 * screen readers; the text gives the figure to everyone.
 */
export function Rating({ value }: { value: number }) {
  const width = Math.round(goldWidth(value) * 10) / 10;
  return (
    <span class="rating">
      <svg class="stars" aria-hidden="true" focusable="false" viewBox={`0 0 ${STARS * SIZE} ${SIZE}`} width="80" height="16">
        <g class="stars-empty"><StarRow /></g>
        <svg width={width} height={SIZE} viewBox={`0 0 ${width} ${SIZE}`}>
          <g class="stars-full"><StarRow /></g>
        </svg>
      </svg>{" "}
      <span class="rating-text">{`${value.toFixed(1)} out of ${STARS}`}</span>
    </span>
  );
}

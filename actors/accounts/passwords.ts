/**
 * Password hashing port: argon2id through Bun's built-in implementation. Hashes carry
 * their own parameters, so a hash made with cheaper settings (tests) still verifies.
 */

export interface Passwords {
  /** A self-describing argon2id hash of `password`. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash`. */
  verify(password: string, hash: string): Promise<boolean>;
}

/** Argon2id; Bun's defaults (64 MiB, 2 passes) unless a lighter cost is asked for. */
export function argon2Passwords(cost: { memoryCost?: number; timeCost?: number } = {}): Passwords {
  return {
    hash: (password) => Bun.password.hash(password, { algorithm: "argon2id", ...cost }),
    verify: (password, hash) => Bun.password.verify(password, hash),
  };
}

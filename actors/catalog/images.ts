/**
 * Uploaded product pictures: PNG, JPEG or WebP (told by their first bytes, not by what the
 * upload claims), at most MAX_IMAGE_BYTES, decoded and resized with sharp to a WebP
 * thumbnail that fits 400x300 (the storefront's picture size).
 */
import { createHash } from "node:crypto";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { InputError } from "../contracts/errors.ts";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const THUMB = { width: 400, height: 300 };
/** Larger pictures are refused before they are decoded (a small file can claim huge dimensions). */
const MAX_PIXELS = 40_000_000;

export type ImageType = "image/png" | "image/jpeg" | "image/webp";

/** The type the bytes are, by their magic numbers; null for anything else. */
export function sniffImage(b: Uint8Array): ImageType | null {
  const at = (i: number, ...bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  return null;
}

export type PreparedImage = { contentType: ImageType; digest: string; original: Uint8Array; thumb: Uint8Array; width: number; height: number };

/** Check an upload and make its thumbnail; an InputError on `image` names what is wrong. */
export async function prepareImage(bytes: Uint8Array): Promise<PreparedImage> {
  if (bytes.length === 0) throw new InputError("image", "image: the file is empty");
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new InputError("image", `image: the file is ${(bytes.length / 1048576).toFixed(1)} MiB; at most ${MAX_IMAGE_BYTES / 1048576} MiB`);
  }
  const contentType = sniffImage(bytes);
  if (!contentType) throw new InputError("image", "image: only PNG, JPEG or WebP pictures can be uploaded");
  let thumb: { data: Buffer; info: OutputInfo };
  let meta: Metadata;
  try {
    const img = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: "error" });
    meta = await img.metadata();
    thumb = await img.rotate().resize(THUMB.width, THUMB.height, { fit: "inside", withoutEnlargement: true }).webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new InputError("image", "image: the picture could not be read (damaged, or larger than 40 megapixels)");
  }
  const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 20);
  return { contentType, digest, original: bytes, thumb: new Uint8Array(thumb.data), width: meta.width ?? thumb.info.width, height: meta.height ?? thumb.info.height };
}

import { DEFAULT_BOT_IMAGE } from './parameters';
import type { ValidationIssue } from './validation';

/** The vendor's repository of the data-retention bot image, in ECR Public. */
export const VENDOR_BOT_REPOSITORY = 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud';

/** What `wickrDr.allowedImages` holds when it is not set. */
export const DEFAULT_ALLOWED_IMAGES: readonly string[] = [VENDOR_BOT_REPOSITORY];

/** The repository of an image reference: everything before its `:tag` or `@sha256:digest`. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(0, at);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon >= 0 ? image.slice(0, colon) : image;
}

/**
 * Whether an image may be deployed. Each allowed entry is one of:
 * a registry or namespace ending in `/` (any repository below it), a repository
 * (any tag or digest of it), or a full reference with `@sha256:` (exactly that image).
 */
export function isImageAllowed(image: string, allowed: readonly string[]): boolean {
  return allowed.some(entry => {
    if (entry.includes('@sha256:')) return image === entry;
    if (entry.endsWith('/')) return imageRepository(image).startsWith(entry);
    return imageRepository(image) === entry;
  });
}

/** The rule in words, for the error that names the botImage field. */
export function allowedImagesRule(allowed: readonly string[]): string {
  return `an image from ${allowed.join(', ')} (wickrDr.allowedImages)`;
}

/** The botImage issue of an image that is not allowed, or undefined. */
export function imageIssue(image: unknown, allowed: readonly string[]): ValidationIssue | undefined {
  const value = typeof image === 'string' && image ? image : DEFAULT_BOT_IMAGE;
  if (isImageAllowed(value, allowed)) return undefined;
  const rule = allowedImagesRule(allowed);
  return { field: 'botImage', rule, message: `botImage: ${value} is not allowed; it must be ${rule}` };
}

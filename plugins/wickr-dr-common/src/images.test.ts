import { DEFAULT_ALLOWED_IMAGES, imageRepository, isImageAllowed } from './images';

describe('isImageAllowed', () => {
  const vendor = 'public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud';

  it("allows any tag or digest of the vendor's repository by default", () => {
    expect(isImageAllowed(`${vendor}:6.66.01.00`, DEFAULT_ALLOWED_IMAGES)).toBe(true);
    expect(isImageAllowed(`${vendor}@sha256:${'a'.repeat(64)}`, DEFAULT_ALLOWED_IMAGES)).toBe(true);
  });

  it('refuses another registry, a look-alike repository and a repository below the vendor one', () => {
    expect(isImageAllowed('docker.io/attacker/bot-compliance-cloud:6.66.01.00', DEFAULT_ALLOWED_IMAGES)).toBe(false);
    expect(isImageAllowed(`${vendor}-evil:6.66.01.00`, DEFAULT_ALLOWED_IMAGES)).toBe(false);
    expect(isImageAllowed(`${vendor}/x:1`, DEFAULT_ALLOWED_IMAGES)).toBe(false);
  });

  it('allows every repository below a registry entry that ends in a slash', () => {
    const mirror = ['123456789012.dkr.ecr.us-east-1.amazonaws.com/wickr/'];
    expect(isImageAllowed('123456789012.dkr.ecr.us-east-1.amazonaws.com/wickr/bot:1', mirror)).toBe(true);
    expect(isImageAllowed('123456789012.dkr.ecr.us-east-1.amazonaws.com/other/bot:1', mirror)).toBe(false);
  });

  it('allows exactly the image of a pinned digest', () => {
    const pinned = [`${vendor}@sha256:${'b'.repeat(64)}`];
    expect(isImageAllowed(`${vendor}@sha256:${'b'.repeat(64)}`, pinned)).toBe(true);
    expect(isImageAllowed(`${vendor}@sha256:${'c'.repeat(64)}`, pinned)).toBe(false);
    expect(isImageAllowed(`${vendor}:6.66.01.00`, pinned)).toBe(false);
  });

  it('finds the repository of a reference with a registry port', () => {
    expect(imageRepository('registry.local:5000/wickr/bot:1.2')).toBe('registry.local:5000/wickr/bot');
    expect(imageRepository('registry.local:5000/wickr/bot')).toBe('registry.local:5000/wickr/bot');
  });
});

import { inspect } from 'node:util';

const PLACEHOLDER = '[sensitive value]';

/**
 * A secret (the bot's initial password): it never prints and never serialises; String(),
 * a template literal, JSON.stringify and util.inspect all show a placeholder. Call
 * reveal() only where the value is used, and pass it on no further.
 */
export class SensitiveValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return PLACEHOLDER;
  }

  toJSON(): string {
    return PLACEHOLDER;
  }

  [inspect.custom](): string {
    return PLACEHOLDER;
  }
}

import type express from 'express';
import { InputError } from '@backstage/errors';

/** One query parameter as a string, or undefined; a repeated one is refused. */
export function queryValue(req: express.Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new InputError(`${name}: must be given once, as a single value`);
}

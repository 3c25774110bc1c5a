import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { validateAccountId } from './validation';

const context = {
  apiHolder: { get: () => undefined },
  formData: {},
  schema: {},
};

function errorsFor(value: string | undefined) {
  const validation = createFieldValidation();
  validateAccountId(value as string, validation, context);
  return validation.__errors;
}

describe('validateAccountId', () => {
  it('accepts the main account (no value) and a 12-digit account id', () => {
    expect(errorsFor(undefined)).toEqual([]);
    expect(errorsFor('123456789012')).toEqual([]);
  });

  it.each(['', '12345', '1234567890123', '12345678901a', ' 123456789012'])(
    'refuses %j',
    value => {
      expect(errorsFor(value)).toEqual(['must be a 12-digit AWS account id']);
    },
  );
});

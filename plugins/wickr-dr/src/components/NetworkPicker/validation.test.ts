import { createFieldValidation } from '@backstage/plugin-scaffolder-react/alpha';
import { validateNetworkId } from './validation';

const context = {
  apiHolder: { get: () => undefined },
  formData: {},
  schema: {},
};

function errorsFor(value: string | undefined) {
  const validation = createFieldValidation();
  validateNetworkId(value as string, validation, context);
  return validation.__errors;
}

describe('validateNetworkId', () => {
  it('accepts no value and an 8-digit network id', () => {
    expect(errorsFor(undefined)).toEqual([]);
    expect(errorsFor('12345678')).toEqual([]);
  });

  it.each(['', '1234567', '123456789', '1234567a', ' 12345678', '12345678\n'])(
    'refuses %j, naming the field and the rule',
    value => {
      expect(errorsFor(value)).toEqual([
        'networkId: must be an AWS Wickr network id: 8 digits',
      ]);
    },
  );
});

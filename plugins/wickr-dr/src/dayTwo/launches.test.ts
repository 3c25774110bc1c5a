import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ACME_PARAMETERS,
  ACME_UPDATE_FORM_VALUES,
  acmeEntity,
  stateWithParameters,
} from '../__testUtils__/fixtures';
import {
  botWanted,
  currentFormValues,
  launchFormData,
  launchHref,
  taskHref,
  templateHref,
} from './launches';

const ACME_REF = stringifyEntityRef(acmeEntity);

/** The form data a link carries, read back as the scaffolder's useFormDataFromQuery does. */
function formDataOf(href: string): unknown {
  const query = new URL(href, 'http://portal.example').searchParams;
  return JSON.parse(query.get('formData')!);
}

describe('launch links', () => {
  it("opens the update template with the deployment and the stack's current values under their form fields, not its name or bot", () => {
    const href = launchHref(
      'update',
      ACME_REF,
      stateWithParameters(ACME_PARAMETERS),
    );

    expect(href.split('?')[0]).toBe(
      '/create/templates/default/wickr-dr-update',
    );
    expect(formDataOf(href)).toEqual({
      deployment: ACME_REF,
      ...ACME_UPDATE_FORM_VALUES,
    });
  });

  it('leaves BotRunning and parameters the form does not have out of the update form', () => {
    const values = currentFormValues({
      ...ACME_PARAMETERS,
      BotRunning: 'false',
      SomethingElse: 'x',
    });

    expect(Object.keys(values)).not.toContain('botRunning');
    expect(Object.values(values)).not.toContain('x');
    expect(values).not.toHaveProperty('BotRunning');
  });

  it('leaves out a number field whose stack value is not a whole number, rather than sending text', () => {
    expect(
      currentFormValues({ FileRotateMins: '10; drop', LogRetentionDays: '' }),
    ).toEqual({});
  });

  it("opens the update template with the deployment alone when the stack's values are unknown", () => {
    expect(launchFormData('update', ACME_REF, undefined)).toEqual({
      deployment: ACME_REF,
    });
    expect(
      launchFormData('update', ACME_REF, stateWithParameters(undefined)),
    ).toEqual({ deployment: ACME_REF });
  });

  it.each([
    ['true', false],
    ['false', true],
  ])(
    'opens stop/start with running the other way when BotRunning is %s',
    (botRunning, running) => {
      const state = stateWithParameters({
        ...ACME_PARAMETERS,
        BotRunning: botRunning,
      });
      const href = launchHref('running', ACME_REF, state);

      expect(href.split('?')[0]).toBe(
        '/create/templates/default/wickr-dr-bot-running',
      );
      expect(formDataOf(href)).toEqual({ deployment: ACME_REF, running });
    },
  );

  it("falls back to the ECS service's desired count when the stack does not say, and asks when nothing does", () => {
    const withoutParameters = stateWithParameters(undefined);
    expect(botWanted(withoutParameters)).toBe(true);
    expect(
      launchFormData('running', ACME_REF, {
        ...withoutParameters,
        service: { error: 'ECS DescribeServices at ...: AccessDenied' },
      }),
    ).toEqual({ deployment: ACME_REF });
    expect(launchFormData('running', ACME_REF, undefined)).toEqual({
      deployment: ACME_REF,
    });
  });

  it('opens the teardown template with the deployment alone: the exact link', () => {
    expect(
      launchHref('teardown', ACME_REF, stateWithParameters(ACME_PARAMETERS)),
    ).toBe(
      `/create/templates/default/wickr-dr-teardown?formData=%7B%22deployment%22%3A%22resource%3Adefault%2F${acmeEntity.metadata.name}%22%7D`,
    );
  });

  it("escapes the state's values as data in the link, whatever they hold", () => {
    const hostile =
      '"}&formData={"deployment":"resource:default/other"}#<script>';
    const href = launchHref(
      'update',
      ACME_REF,
      stateWithParameters({ AlertEmail: hostile }),
    );

    // One query parameter, nothing unescaped that could end it or start another.
    expect(href).not.toMatch(/["<>#&{}]/);
    expect(href.match(/formData=/g)).toHaveLength(1);
    expect(formDataOf(href)).toEqual({
      deployment: ACME_REF,
      alertEmail: hostile,
    });
  });

  it('links to a task by its id, escaped', () => {
    expect(taskHref('5f0e2c1a-9b7d-4e3f-8a6b-1c2d3e4f5a6b')).toBe(
      '/create/tasks/5f0e2c1a-9b7d-4e3f-8a6b-1c2d3e4f5a6b',
    );
    expect(taskHref('../../catalog?x=1')).toBe(
      '/create/tasks/..%2F..%2Fcatalog%3Fx%3D1',
    );
  });

  it('escapes the template name in the path', () => {
    expect(templateHref('a/b?c', { deployment: ACME_REF })).toMatch(
      /^\/create\/templates\/default\/a%2Fb%3Fc\?formData=/,
    );
  });
});

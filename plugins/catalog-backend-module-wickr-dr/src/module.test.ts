// The module in a real test backend (startTestBackend: its mock scheduler runs the
// scheduled refreshes at start-up) with the real in-process events service, against
// moto_server on loopback. The catalog's processing extension point is replaced by one
// that connects each provider to a recording connection, as the catalog would.
import { coreServices, createBackendPlugin, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  type DeferredEntity,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import { type EventsService, eventsServiceFactory, eventsServiceRef } from '@backstage/plugin-events-node';
import { DEPLOYED_TOPIC } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { MotoServer, startMoto } from '@wickr-dr/backstage-plugin-wickr-dr-common/testUtils';
import { RecordingLogger } from './__testUtils__/recordingLogger';
import { awsConfigData, createStack, motoAwsClients, SECOND_ACCOUNT_ID, stsToMoto } from './__testUtils__/motoAccounts';
import { catalogModuleWickrDr } from './module';

const NOT_CONFIGURED = '333333333333';

describe('catalogModuleWickrDr (moto_server)', () => {
  jest.setTimeout(60_000);
  let moto: MotoServer;
  let restoreSts: () => void;
  beforeAll(async () => {
    moto = await startMoto();
    restoreSts = stsToMoto(moto);
  });
  afterAll(async () => {
    restoreSts?.();
    await moto?.stop();
  });
  beforeEach(() => moto.reset());

  /** Starts the module; returns its providers' entities by provider name, its log and an events publisher. */
  async function startModule(wickrDr: object) {
    const logger = new RecordingLogger();
    const entities = new Map<string, DeferredEntity[]>();
    const connected: Promise<void>[] = [];
    const catalog = {
      addEntityProvider(...added: Array<EntityProvider | EntityProvider[]>) {
        for (const provider of added.flat()) {
          const name = provider.getProviderName();
          connected.push(
            provider.connect({
              applyMutation: async mutation => {
                entities.set(name, mutation.type === 'full' ? mutation.entities : mutation.added);
              },
              refresh: async () => {},
            }),
          );
        }
      },
    };
    let publisher: EventsService | undefined;
    const backend = await startTestBackend({
      extensionPoints: [[catalogProcessingExtensionPoint, catalog as any]],
      features: [
        catalogModuleWickrDr,
        eventsServiceFactory,
        createServiceFactory({ service: coreServices.logger, deps: {}, factory: () => logger }),
        mockServices.rootConfig.factory({
          data: { ...awsConfigData(moto), events: { useEventBus: 'never' }, catalog: { providers: { wickrDr } } },
        }),
        createBackendPlugin({
          pluginId: 'publisher',
          register(env) {
            env.registerInit({
              deps: { events: eventsServiceRef },
              init: async ({ events }) => {
                publisher = events;
              },
            });
          },
        }),
      ],
    });
    await Promise.all(connected);
    const publish = (eventPayload: unknown) => publisher!.publish({ topic: DEPLOYED_TOPIC, eventPayload });
    const names = (provider: string) => (entities.get(provider) ?? []).map(e => e.entity.metadata.name).sort();
    return { backend, logger, entities, publish, names };
  }

  it('leaves out an account not configured under aws.accounts with one line, and discovers the others', async () => {
    const awsClients = motoAwsClients(moto);
    await createStack(awsClients, { accountId: SECOND_ACCOUNT_ID, region: 'eu-west-2' }, 'wickr-dr-lon', { 'wickr-dr:deployment': 'lon' });
    const { backend, logger, entities, names } = await startModule({
      regions: ['eu-west-2', 'us-east-1'],
      accounts: [SECOND_ACCOUNT_ID, NOT_CONFIGURED],
    });
    try {
      expect([...entities.keys()].sort()).toEqual([`wickr-dr:${SECOND_ACCOUNT_ID}/eu-west-2`, `wickr-dr:${SECOND_ACCOUNT_ID}/us-east-1`]);
      expect(names(`wickr-dr:${SECOND_ACCOUNT_ID}/eu-west-2`)).toEqual([`lon-${SECOND_ACCOUNT_ID}-euw2`]);
      expect(logger.messages('error')).toEqual([
        `catalog.providers.wickrDr.accounts: ${NOT_CONFIGURED} is not configured under aws.accounts (only ${SECOND_ACCOUNT_ID} are), so its stacks are not discovered; add it to aws.accounts or remove it from catalog.providers.wickrDr.accounts`,
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('looks again on a valid deployed event, and ignores a forged one with a warning', async () => {
    const awsClients = motoAwsClients(moto);
    const { backend, logger, names, publish } = await startModule({ regions: ['eu-west-2'] });
    try {
      expect(names('wickr-dr:main/eu-west-2')).toEqual([]);
      await createStack(awsClients, { region: 'eu-west-2' }, 'wickr-dr-lon', { 'wickr-dr:deployment': 'lon' });

      await publish({ region: 'eu-west-2', stackName: 'x', accountId: '12345' });
      await publish({ region: 'us-east-1', stackName: 'wickr-dr-lon' });
      await publish({ region: 'eu-west-2', stackName: 'wickr-dr-lon\nERROR forged line' });
      await publish('not an object');
      expect(names('wickr-dr:main/eu-west-2')).toEqual([]);
      expect(logger.messages('warn')).toEqual([
        'Ignored a wickr-dr.stack.deployed event: accountId "12345" is not a 12-digit AWS account id, nor absent for the main account',
        'Ignored a wickr-dr.stack.deployed event: region "us-east-1" is not one of the regions discovery looks in (eu-west-2)',
        'Ignored a wickr-dr.stack.deployed event: stackName "wickr-dr-lon\\nERROR forged line" is not a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128 characters',
        'Ignored a wickr-dr.stack.deployed event: its payload is not an object: "not an object"',
      ]);

      await publish({ region: 'eu-west-2', stackName: 'wickr-dr-lon' });
      expect(names('wickr-dr:main/eu-west-2')).toEqual(['lon-123456789012-euw2']);
    } finally {
      await backend.stop();
    }
  });
});

import { Readable } from 'node:stream';
import type { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { accountNotAllowed, AllowedAccounts } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { AccountNotAllowedError, attachCallContext, NotAnAwsAnswerError } from './awsErrors';

/** Where an AWS call goes: an account (the main one if unset) and a region. */
export interface AwsTarget {
  accountId?: string;
  region: string;
}

/** The settings every AWS SDK v3 client constructor takes. */
export interface AwsClientConfig {
  region: string;
  credentials: unknown;
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  customUserAgent: string;
}

/** How failed calls are retried: by the SDK's own retry strategy, never by hand. */
export interface RetrySettings {
  maxAttempts: number;
  mode: 'standard' | 'adaptive';
}

export interface AwsClientsOptions {
  credentialsManager: AwsCredentialsManager;
  accounts: AllowedAccounts;
  /** The role assumed in each configured account, for messages that say which was used. */
  roles?: Record<string, string>;
  /** One endpoint for every service, for a local emulator. */
  endpoint?: string;
  /** An endpoint per service key (see {@link serviceKey}), over `endpoint`. */
  endpoints?: Record<string, string>;
  retry?: RetrySettings;
}

type ClientClass<C> = new (config: any) => C;

interface MiddlewareClient {
  middlewareStack: { add(middleware: unknown, options: { step: string; name: string; priority?: string }): void };
}

const USER_AGENT = 'backstage-wickr-dr-portal';

/**
 * The key of a client's service in `wickrDr.endpoints`: the class name without
 * "Client", in lower case (cloudformation, secretsmanager, cloudwatchlogs, ecs, s3, ...).
 */
export function serviceKey(Client: { name: string }): string {
  return Client.name.replace(/Client$/, '').toLowerCase();
}

/** The configured account ids and retry settings, read from `aws.*` and `wickrDr.*`. */
export function readAwsSettings(config: Config): Omit<AwsClientsOptions, 'credentialsManager'> {
  const endpoint = config.getOptionalString('wickrDr.endpoint');
  const endpointsConfig = config.getOptionalConfig('wickrDr.endpoints');
  const endpoints = Object.fromEntries(
    (endpointsConfig?.keys() ?? []).map(key => [key, endpointsConfig!.getString(key)]),
  );
  const emulated = Boolean(endpoint) || Object.keys(endpoints).length > 0;
  const accounts = config.getOptionalConfigArray('aws.accounts') ?? [];
  const defaultRole = config.getOptionalString('aws.accountDefaults.roleName');
  const roles = Object.fromEntries(
    accounts.flatMap(a => {
      const role = a.getOptionalString('roleName') ?? defaultRole;
      return role ? [[a.getString('accountId'), role]] : [];
    }),
  );
  return {
    accounts: { configured: accounts.map(a => a.getString('accountId')) },
    roles,
    endpoint,
    endpoints,
    retry: {
      // Emulators answer calls they do not implement with HTTP 500: by default, fail at once.
      maxAttempts: config.getOptionalNumber('wickrDr.retry.maxAttempts') ?? (emulated ? 1 : 5),
      mode: (config.getOptionalString('wickrDr.retry.mode') as RetrySettings['mode']) ?? 'adaptive',
    },
  };
}

/** Records the service, operation and endpoint of a failed call on its error (see awsErrorLine). */
const callContextMiddleware = (service: string) => (next: any, context: any) => async (args: any) => {
  try {
    return await next(args);
  } catch (error) {
    const url = context.endpointV2?.url;
    attachCallContext(error, {
      service,
      operation: String(context.commandName ?? 'call').replace(/Command$/, ''),
      endpoint: url ? String(url) : undefined,
    });
    throw error;
  }
};

/** Content types under which an answer may not be an AWS one (moto sends its JSON as text/html). */
const MAYBE_NOT_AWS = /html|text\/plain/i;

async function readBody(body: unknown): Promise<Buffer> {
  if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function') return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** An HTML page, or a server error whose body is neither JSON nor XML. */
function isNotAnAwsAnswer(statusCode: number, text: string): boolean {
  const start = text.trimStart().slice(0, 20).toLowerCase();
  // No body at all (a HEAD request's error): the SDK names the status itself.
  if (!start) return false;
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return true;
  return statusCode >= 500 && !start.startsWith('{') && !start.startsWith('<');
}

/**
 * Next to the HTTP handler: an answer that is an HTML page or a bare text error (an HTML
 * or text content type, or any 5xx) is turned into one clear error, instead of reaching a
 * deserializer that cannot read it ("XML parse error", "Unexpected token <").
 */
const notAnAwsAnswerMiddleware = (next: any) => async (args: any) => {
  const result = await next(args);
  const response = result.response;
  const headers: Record<string, string> = response?.headers ?? {};
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  // A gateway's 5xx page may come under any content type, or none.
  if (!MAYBE_NOT_AWS.test(type) && !(response?.statusCode >= 500)) return result;
  const body = await readBody(response.body);
  if (isNotAnAwsAnswer(response.statusCode, body.toString('utf8'))) {
    throw new NotAnAwsAnswerError(response.statusCode, body.toString('utf8'));
  }
  response.body = Readable.from([body]);
  return result;
};

/**
 * Builds AWS SDK clients for an account and region, with credentials from `aws.*`
 * (@backstage/integration-aws-node), only for the accounts configured there: the
 * main one and `aws.accounts`. `wickrDr.endpoint` sends every call to one endpoint
 * (moto_server, LocalStack) and `wickrDr.endpoints.<service>` one service's calls.
 * Retries are the SDK's (adaptive by default). Clients are cached per class,
 * account and region; a failed call's error carries its operation and endpoint.
 */
export class AwsClients {
  private readonly cache = new Map<string, Promise<unknown>>();
  readonly accounts: AllowedAccounts;
  readonly endpoint?: string;
  private readonly endpoints: Record<string, string>;
  private readonly retry: RetrySettings;
  private readonly credentialsManager: AwsCredentialsManager;
  private readonly roles: Record<string, string>;

  static fromConfig(
    config: Config,
    options: { credentialsManager?: AwsCredentialsManager } = {},
  ): AwsClients {
    return new AwsClients({
      credentialsManager: options.credentialsManager ?? DefaultAwsCredentialsManager.fromConfig(config),
      ...readAwsSettings(config),
    });
  }

  constructor(options: AwsClientsOptions) {
    this.credentialsManager = options.credentialsManager;
    this.accounts = options.accounts;
    this.roles = options.roles ?? {};
    this.endpoint = options.endpoint;
    this.endpoints = options.endpoints ?? {};
    this.retry = options.retry ?? { maxAttempts: options.endpoint ? 1 : 5, mode: 'adaptive' };
  }

  /** Throws an {@link AccountNotAllowedError} for an account the portal is not configured for. */
  assertAccountAllowed(accountId: string | undefined): void {
    const refused = accountNotAllowed(accountId, this.accounts);
    if (refused) throw new AccountNotAllowedError(refused);
  }

  /** Whose credentials a target's calls use, in words: "account 111111111111 (role BackstageWickrDr)". */
  describeIdentity(target: AwsTarget): string {
    if (!target.accountId) return "the portal's main account (aws.mainAccount)";
    const role = this.roles[target.accountId];
    return `account ${target.accountId}${role ? ` (role ${role})` : ' (its own keys or profile)'}`;
  }

  /** The endpoint calls of a service go to, if one is configured. */
  endpointFor(service: string): string | undefined {
    return this.endpoints[service] ?? this.endpoint;
  }

  /** The client settings for a target; exposed for clients built elsewhere. */
  async clientConfig(target: AwsTarget, service?: string): Promise<AwsClientConfig> {
    this.assertAccountAllowed(target.accountId);
    const { sdkCredentialProvider } = await this.credentialsManager.getCredentialProvider(
      target.accountId ? { accountId: target.accountId } : undefined,
    );
    const endpoint = service ? this.endpointFor(service) : this.endpoint;
    return {
      region: target.region,
      credentials: sdkCredentialProvider,
      customUserAgent: USER_AGENT,
      maxAttempts: this.retry.maxAttempts,
      retryMode: this.retry.mode,
      ...(endpoint && { endpoint }),
    };
  }

  /** A cached client of the given class for the target. */
  get<C>(Client: ClientClass<C>, target: AwsTarget): Promise<C> {
    try {
      this.assertAccountAllowed(target.accountId);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = `${Client.name}/${target.accountId ?? 'main'}/${target.region}`;
    let client = this.cache.get(key);
    if (!client) {
      const service = serviceKey(Client);
      client = this.clientConfig(target, service).then(config => {
        const created = new Client(config);
        const stack = (created as unknown as MiddlewareClient).middlewareStack;
        stack.add(callContextMiddleware(Client.name.replace(/Client$/, '')), {
          step: 'initialize',
          name: 'wickrDrCallContext',
        });
        stack.add(notAnAwsAnswerMiddleware, { step: 'deserialize', name: 'wickrDrNotAnAwsAnswer', priority: 'low' });
        return created;
      });
      client.catch(() => this.cache.delete(key));
      this.cache.set(key, client);
    }
    return client as Promise<C>;
  }
}

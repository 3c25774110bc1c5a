import type { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';

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
  maxAttempts?: number;
  customUserAgent: string;
}

type ClientClass<C> = new (config: any) => C;

const USER_AGENT = 'backstage-wickr-dr-portal';

/**
 * Builds AWS SDK clients for an account and region, with credentials from
 * `aws.*` (@backstage/integration-aws-node) and, when `wickrDr.endpoint` is set,
 * every call sent to that one endpoint (moto_server, LocalStack). Clients are
 * cached per class, account and region.
 */
export class AwsClients {
  private readonly cache = new Map<string, Promise<unknown>>();

  static fromConfig(
    config: Config,
    options: { credentialsManager?: AwsCredentialsManager } = {},
  ): AwsClients {
    return new AwsClients(
      options.credentialsManager ?? DefaultAwsCredentialsManager.fromConfig(config),
      config.getOptionalString('wickrDr.endpoint'),
    );
  }

  constructor(
    private readonly credentialsManager: AwsCredentialsManager,
    /** One endpoint for every service, for a local emulator. */
    readonly endpoint?: string,
  ) {}

  /** The client settings for a target; exposed for clients built elsewhere. */
  async clientConfig(target: AwsTarget): Promise<AwsClientConfig> {
    const { sdkCredentialProvider } = await this.credentialsManager.getCredentialProvider(
      target.accountId ? { accountId: target.accountId } : undefined,
    );
    return {
      region: target.region,
      credentials: sdkCredentialProvider,
      customUserAgent: USER_AGENT,
      // Emulators answer calls they do not implement with HTTP 500: fail at once.
      ...(this.endpoint && { endpoint: this.endpoint, maxAttempts: 1 }),
    };
  }

  /** A cached client of the given class for the target. */
  get<C>(Client: ClientClass<C>, target: AwsTarget): Promise<C> {
    const key = `${Client.name}/${target.accountId ?? 'main'}/${target.region}`;
    let client = this.cache.get(key);
    if (!client) {
      client = this.clientConfig(target).then(config => new Client(config));
      client.catch(() => this.cache.delete(key));
      this.cache.set(key, client);
    }
    return client as Promise<C>;
  }
}

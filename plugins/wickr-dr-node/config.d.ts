export interface Config {
  /** Settings shared by the Wickr data-retention plugins. */
  wickrDr?: {
    /**
     * (Optional) One endpoint for every AWS API the plugins call, for a local
     * emulator such as moto_server or LocalStack (for example http://127.0.0.1:5000).
     * If not set, the AWS SDK uses the regional endpoints of each service.
     * Credentials still come from the `aws` block (@backstage/integration-aws-node).
     */
    endpoint?: string;
    /**
     * (Optional) An endpoint per service, over `endpoint`: keys are the SDK client's
     * name without "Client", in lower case (cloudformation, secretsmanager,
     * cloudwatchlogs, cloudwatch, ecs, s3, kms) and `wickr` for the Wickr admin API.
     * For example `{ cloudformation: http://127.0.0.1:5000, wickr: http://127.0.0.1:5001 }`.
     */
    endpoints?: {
      /**
       * (Optional) The Wickr admin API (service `wickr`, SigV4 signing name `wickr`), for a
       * fake or a proxy. If not set, `wickrDr.endpoint`, else the regional
       * https://admin.wickr.<region>.amazonaws.com. Calls are signed for the target's region
       * and retried as set under `wickrDr.retry`.
       */
      wickr?: string;
      [service: string]: string | undefined;
    };
    /** How failed AWS calls are retried: always by the SDK's own retry strategy. */
    retry?: {
      /**
       * (Optional) Attempts per call, the first included. Default: 5; 1 when an
       * emulator endpoint is set (emulators answer calls they lack with HTTP 500).
       */
      maxAttempts?: number;
      /**
       * (Optional) `adaptive` (default) also paces calls on the client once the
       * service throttles; `standard` only backs off between attempts.
       */
      mode?: 'standard' | 'adaptive';
    };
  };
}

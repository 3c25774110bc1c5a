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
  };
}

export interface Config {
  wickrDr?: {
    /**
     * (Optional) The bot images a deployment may run. Each entry is a repository (any
     * tag or digest of it), a registry or namespace ending in `/` (any repository
     * below it), or a full reference with `@sha256:` (exactly that image). Default:
     * the vendor's repository, public.ecr.aws/x3s2s6k3/wickrio/bot-compliance-cloud.
     * Add your mirror (for example an ECR repository of your own) or GovCloud's
     * .../wickrio/bot-dataretention-govcloud here.
     */
    allowedImages?: string[];
    /** How wickr-dr:bot:await-registration waits for the bot's first registration. */
    passwordCapture?: {
      /**
       * (Optional) Minutes to wait for the bot to print its generated password after it
       * starts, before the step fails saying what it saw. Default: 15.
       */
      timeoutMinutes?: number;
    };
    /** How the scaffolder actions deploy stacks. */
    deploy?: {
      /**
       * (Optional) Minutes to wait for a stack operation before giving up; an update
       * still running then is cancelled and rolled back. Default: 60.
       */
      timeoutMinutes?: number;
      /**
       * (Optional) Turn on termination protection when a stack is created. Default: true, or
       * false when CloudFormation calls go to an emulator (wickrDr.endpoint or
       * wickrDr.endpoints.cloudformation set), as moto does not implement it.
       */
      terminationProtection?: boolean;
      /**
       * (Optional) A CloudFormation service role for every deployment, so users need no
       * rights on the resources themselves. If not set, the caller's credentials are used.
       * Only configuration sets it: a template cannot choose the role CloudFormation acts as.
       */
      roleArn?: string;
    };
  };
}

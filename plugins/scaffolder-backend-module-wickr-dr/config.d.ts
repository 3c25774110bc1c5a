export interface Config {
  wickrDr?: {
    /** How the scaffolder actions deploy stacks. */
    deploy?: {
      /**
       * (Optional) Minutes to wait for a stack operation before giving up; an update
       * still running then is cancelled and rolled back. Default: 60.
       */
      timeoutMinutes?: number;
      /** (Optional) Turn on termination protection when a stack is created. Default: true. */
      terminationProtection?: boolean;
      /**
       * (Optional) A CloudFormation service role for every deployment, so users need no
       * rights on the resources themselves. If not set, the caller's credentials are used.
       */
      roleArn?: string;
    };
  };
}

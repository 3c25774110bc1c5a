import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ResponseError } from '@backstage/errors';
import { deploymentReadPermission } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { describeError } from './errors';

interface Guidance {
  title: string;
  detail: string;
  canRetry: boolean;
}

/** What to do for the refusals a user can act on, by HTTP status. */
const GUIDANCE_BY_STATUS: Partial<Record<number, Guidance>> = {
  401: {
    title: 'Sign in again',
    detail:
      'The portal could not confirm who you are; your session may have expired. Sign in again, then retry.',
    canRetry: true,
  },
  403: {
    title: `You need the ${deploymentReadPermission.name} permission; ask a portal admin`,
    detail:
      'Only people with this permission can read the live state of deployments.',
    canRetry: false,
  },
  404: {
    title: 'The deployment is not in the catalog any more',
    detail:
      'It was removed from the catalog, perhaps because its stack was deleted. Reload the page to see whether it is still listed.',
    canRetry: false,
  },
};

const UNEXPECTED = {
  title: "Could not read the deployment's live state",
  canRetry: true,
};

/**
 * The backend's trust rule (an entity registered by hand, or in an account the portal is
 * no longer configured for) also answers 403; its message says so and gives the reason.
 */
const UNTRUSTED = 'is not a deployment the portal may act on';

function guidanceFor(error: Error): Guidance {
  if (!(error instanceof ResponseError)) {
    return { ...UNEXPECTED, detail: error.message };
  }
  if (error.statusCode === 403 && error.cause.message.includes(UNTRUSTED)) {
    return {
      title: 'The portal does not show this entity live',
      detail: `Only deployments the portal discovered itself, in the AWS accounts it is configured for, are read from AWS. ${error.cause.message}`,
      canRetry: false,
    };
  }
  return (
    GUIDANCE_BY_STATUS[error.statusCode] ?? {
      ...UNEXPECTED,
      detail: describeError(error),
    }
  );
}

export function DeploymentStateError(props: {
  error: Error;
  onRetry: () => void;
}) {
  const { title, detail, canRetry } = guidanceFor(props.error);
  const retryButton = (
    <Button color="inherit" size="small" onClick={props.onRetry}>
      Retry
    </Button>
  );
  return (
    <Alert severity="error" action={canRetry ? retryButton : undefined}>
      <AlertTitle>{title}</AlertTitle>
      {detail}
    </Alert>
  );
}

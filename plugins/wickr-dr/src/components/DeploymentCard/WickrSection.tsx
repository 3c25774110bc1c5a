import {
  type CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  botOperatePermission,
  type WickrBotState,
} from '@wickr-dr/backstage-plugin-wickr-dr-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { wickrDrApiRef } from '../../api';
import { describeError } from './errors';
import type { Severity } from './presentation';
import { StatusLine } from './StatusLine';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    margin: theme.spacing(0.5, 0),
  },
}));

/** A flag as the API reports it: `undefined` is unknown, never false. */
type Flag = boolean | undefined;

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

/** "Acme (12345678) — PREMIUM", or the id alone when the API did not name the network. */
function networkText(bot: WickrBotState): string {
  const name = bot.networkName
    ? `${bot.networkName} (${bot.networkId})`
    : bot.networkId;
  return bot.accessLevel ? `${name} — ${bot.accessLevel}` : name;
}

function registrationLine(bot: WickrBotState): {
  text: string;
  severity: Severity;
} {
  const botName = bot.botName ? `Bot ${bot.botName}` : 'The bot';
  if (bot.botExists === false) {
    return { text: 'No data-retention bot in this network', severity: 'error' };
  }
  if (bot.registered === undefined) {
    return {
      text: `${botName}: registration unknown (the Wickr API did not say)`,
      severity: 'warning',
    };
  }
  return bot.registered
    ? { text: `${botName} is registered`, severity: 'ok' }
    : { text: `${botName} is not registered`, severity: 'warning' };
}

function retentionLine(enabled: Flag): { text: string; severity: Severity } {
  if (enabled === undefined) {
    return {
      text: 'Data retention unknown (the Wickr API did not say)',
      severity: 'warning',
    };
  }
  return enabled
    ? { text: 'Data retention on', severity: 'ok' }
    : { text: 'Data retention off', severity: 'warning' };
}

/** What the API reported after a change (the backend answers 409 unless it is the new value). */
function retentionReported(enabled: Flag): string {
  return enabled === undefined
    ? 'Done; the Wickr API does not say whether data retention is on'
    : `Done: the Wickr API reports data retention ${onOff(enabled)}`;
}

function switchErrorMessage(error: Error, enabled: boolean): string {
  if (error instanceof ResponseError && error.statusCode === 403) {
    return `You need the ${botOperatePermission.name} permission`;
  }
  return `Could not turn data retention ${onOff(enabled)}: ${describeError(
    error,
  )}`;
}

/**
 * Turns the network's data retention on or off, for those allowed to operate this
 * deployment's bot: the way the current value does not go, or both ways when it is
 * unknown. Says beside it what the API reported after the change, or why it failed.
 */
function RetentionSwitch(props: {
  entityRef: CompoundEntityRef;
  enabled: Flag;
  onChanged: () => void;
}) {
  const { entityRef, enabled, onChanged } = props;
  const classes = useStyles();
  const wickrDrApi = useApi(wickrDrApiRef);
  // A resource permission: the policy decides on this entity (its owners, say).
  const { allowed } = usePermission({
    permission: botOperatePermission,
    resourceRef: stringifyEntityRef(entityRef),
  });
  // Which way the last press went, for the button's label and the error.
  const [pressed, setPressed] = useState<boolean>();
  const [change, setRetention] = useAsyncFn(
    async (wanted: boolean) => {
      setPressed(wanted);
      const bot = await wickrDrApi.setRetention(entityRef, wanted);
      onChanged();
      return bot;
    },
    [wickrDrApi, entityRef, onChanged],
  );

  if (!allowed) return null;
  const ways = enabled === undefined ? [true, false] : [!enabled];
  return (
    <div className={classes.actions}>
      {ways.map(wanted => (
        <Button
          key={String(wanted)}
          variant="outlined"
          size="small"
          onClick={() => setRetention(wanted)}
          disabled={change.loading}
        >
          {change.loading && pressed === wanted
            ? `Turning data retention ${onOff(wanted)}…`
            : `Turn data retention ${onOff(wanted)}`}
        </Button>
      ))}
      {change.value && !change.loading && (
        <Typography variant="body2" role="status">
          {retentionReported(change.value.retentionEnabled)}
        </Typography>
      )}
      {change.error && !change.loading && pressed !== undefined && (
        <Typography variant="body2" color="error" role="alert">
          {switchErrorMessage(change.error, pressed)}
        </Typography>
      )}
    </div>
  );
}

/**
 * The Wickr row: the bot's network, whether the bot is registered (the admin console's
 * green mark) and whether data retention is on, as the Wickr admin API reports them.
 */
export function WickrSection(props: {
  bot: WickrBotState | null;
  entityRef: CompoundEntityRef;
  /** Called when data retention was changed, to read the state again. */
  onChanged: () => void;
}) {
  const { bot, entityRef, onChanged } = props;
  if (!bot) {
    return (
      <Typography variant="body2">
        No Wickr network: the stack names none (its wickr-dr:network tag)
      </Typography>
    );
  }
  const registration = registrationLine(bot);
  const retention = retentionLine(bot.retentionEnabled);
  return (
    <>
      <Typography variant="body2">Network {networkText(bot)}</Typography>
      {bot.accessLevel && bot.accessLevel !== 'PREMIUM' && (
        <StatusLine severity="warning">
          Data retention needs a Premium network
        </StatusLine>
      )}
      <StatusLine severity={registration.severity}>
        {registration.text}
      </StatusLine>
      <StatusLine severity={retention.severity}>{retention.text}</StatusLine>
      <RetentionSwitch
        entityRef={entityRef}
        enabled={bot.retentionEnabled}
        onChanged={onChanged}
      />
    </>
  );
}

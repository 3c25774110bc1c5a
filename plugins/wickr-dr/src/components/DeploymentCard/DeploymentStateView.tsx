import type { ReactNode } from 'react';
import {
  type CompoundEntityRef,
  type EntityLink,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { DeploymentState } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { useLaunches } from '../../dayTwo/useLaunches';
import { LaunchButtons, RecentOperations } from '../Operations';
import { AlarmsSummary } from './AlarmsSummary';
import { DeploymentLinks } from './DeploymentLinks';
import { DriftSection } from './DriftSection';
import { MetricsChart } from './MetricsChart';
import { RegistrationSection } from './RegistrationSection';
import { SectionView } from './SectionView';
import { LastOperation, StackStatus } from './StackSummary';
import { TasksSummary } from './TasksSummary';
import { WickrSection } from './WickrSection';

const useStyles = makeStyles(theme => ({
  glance: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    alignItems: 'baseline',
    gap: theme.spacing(1, 2),
    margin: 0,
    '& dd': { margin: 0 },
  },
  heading: {
    display: 'block',
    margin: theme.spacing(2, 0, 0.5),
    color: theme.palette.text.secondary,
  },
}));

function Heading(props: { children: ReactNode }) {
  const classes = useStyles();
  return (
    <Typography component="h3" variant="overline" className={classes.heading}>
      {props.children}
    </Typography>
  );
}

function GlanceRow(props: { label: string; children: ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="subtitle2">
        {props.label}
      </Typography>
      <dd>{props.children}</dd>
    </>
  );
}

export function DeploymentStateView(props: {
  state: DeploymentState;
  links: EntityLink[];
  entityRef: CompoundEntityRef;
  /** Reads the state again, after a drift check, a password capture or a retention change. */
  onChanged: () => void;
}) {
  const { state, links, entityRef, onChanged } = props;
  const classes = useStyles();
  // The card's own state gives the update its starting values and stop/start its way.
  const launches = useLaunches(stringifyEntityRef(entityRef), state);
  return (
    <>
      <dl className={classes.glance}>
        <GlanceRow label="Stack">
          <StackStatus stack={state.stack} />
        </GlanceRow>
        <GlanceRow label="Last operation">
          <LastOperation stack={state.stack} />
        </GlanceRow>
        <GlanceRow label="Tasks">
          <SectionView section={state.service} what="tasks">
            {service => <TasksSummary service={service} />}
          </SectionView>
        </GlanceRow>
        <GlanceRow label="Alarms">
          <SectionView section={state.alarms} what="alarms">
            {alarms => <AlarmsSummary alarms={alarms} />}
          </SectionView>
        </GlanceRow>
        <GlanceRow label="Drift">
          <DriftSection
            drift={state.drift}
            entityRef={entityRef}
            onChecked={onChanged}
          />
        </GlanceRow>
        <GlanceRow label="Registration">
          <SectionView section={state.registration} what="registration">
            {registration => (
              <RegistrationSection
                registration={registration}
                entityRef={entityRef}
                onCaptured={onChanged}
              />
            )}
          </SectionView>
        </GlanceRow>
        {/* A backend without the Wickr admin API answers no wickr part: no row then. */}
        {state.wickr && (
          <GlanceRow label="Wickr">
            <SectionView section={state.wickr} what="Wickr network">
              {bot => (
                <WickrSection
                  bot={bot}
                  entityRef={entityRef}
                  onChanged={onChanged}
                />
              )}
            </SectionView>
          </GlanceRow>
        )}
      </dl>
      <LaunchButtons launches={launches} />
      <Heading>Recent operations</Heading>
      <RecentOperations entityRef={entityRef} withState={state} />
      <Heading>Last 24 hours</Heading>
      <SectionView section={state.metrics} what="metrics">
        {series => <MetricsChart series={series} />}
      </SectionView>
      <Heading>Links</Heading>
      <DeploymentLinks links={links} />
    </>
  );
}

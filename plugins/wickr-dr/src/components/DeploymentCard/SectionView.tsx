import type { ReactNode } from 'react';
import type { Section } from '@wickr-dr/backstage-plugin-wickr-dr-common';
import { StatusLine } from './StatusLine';

/** Renders a section's value, or says in place why it could not be read. */
export function SectionView<T>(props: {
  section: Section<T>;
  /** What the section holds, as in "Could not read the tasks". */
  what: string;
  children: (value: T) => ReactNode;
}) {
  const { section, what, children } = props;
  if ('error' in section) {
    return (
      <StatusLine severity="error">
        Could not read the {what}: {section.error}
      </StatusLine>
    );
  }
  return <>{children(section.value)}</>;
}

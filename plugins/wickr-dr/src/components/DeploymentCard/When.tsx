import { timeAgo } from './presentation';

/** A moment shown relative to now, with the exact time on hover. */
export function When(props: { at: string }) {
  const { at } = props;
  return (
    <time dateTime={at} title={new Date(at).toLocaleString()}>
      {timeAgo(at)}
    </time>
  );
}

/** A path the UI does not know. */
import { Empty } from '../components/states.tsx';
import { Link, paths } from '../router.tsx';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Empty title="Page not found" icon="?">
      Nothing lives at <code>{path}</code>. <Link href={paths.overview()}>Go to the overview</Link>.
    </Empty>
  );
}

/** Connectors: the registered connector types and task kinds with their config fields. */
import { useConnectors } from '../api/queries.ts';
import type { ConnectorInfo, TaskKindInfo } from '../api/types.ts';
import { Card, PageHeader } from '../components/page-header.tsx';
import { SchemaFields } from '../components/schema-fields.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { setSearchParam, useLocation } from '../router.tsx';

function ConnectorDetail({ connector }: { connector: ConnectorInfo }) {
  const caps = Object.entries(connector.capabilities).filter(([, on]) => on);
  return (
    <Card title={<span className="mono">{connector.type}</span>} id="connector-detail">
      <p>{connector.description}</p>
      <div className="tags" aria-label="Capabilities">
        {caps.map(([name]) => (
          <span key={name} className="tag tag-ok">
            {name}
          </span>
        ))}
        {connector.secretFields.length > 0 ? <span className="tag tag-warn">secrets: {connector.secretFields.join(', ')}</span> : null}
      </div>
      <h3>Config fields</h3>
      <SchemaFields schema={connector.configSchema} secretFields={connector.secretFields} label={`Config fields of the ${connector.type} connector`} />
    </Card>
  );
}

function TaskKindDetail({ kind }: { kind: TaskKindInfo }) {
  return (
    <Card title={<span className="mono">{kind.name}</span>} id="kind-detail">
      <p>{kind.description}</p>
      <h3>Config fields</h3>
      <SchemaFields schema={kind.configSchema} label={`Config fields of the ${kind.name} task kind`} />
    </Card>
  );
}

export function ConnectorsPage() {
  const data = useConnectors();
  const { search } = useLocation();
  const chosen = search.get('type');
  const connectors = data.data?.connectors ?? [];
  const kinds = data.data?.taskKinds ?? [];
  const connector = connectors.find((c) => `connector:${c.type}` === chosen) ?? (chosen ? undefined : connectors[0]);
  const kind = connector ? undefined : kinds.find((k) => `kind:${k.name}` === chosen);

  return (
    <>
      <PageHeader title="Connectors" subtitle={data.data ? `${connectors.length} connector types · ${kinds.length} task kinds` : undefined} />
      {data.error && !data.data ? (
        <ErrorState error={data.error} onRetry={() => void data.refetch()} />
      ) : !data.data ? (
        <Loading rows={6} />
      ) : connectors.length === 0 && kinds.length === 0 ? (
        <Empty title="No connectors registered" />
      ) : (
        <div className="grid-side-main">
          <nav className="side-list" aria-label="Connector types and task kinds">
            <h2>Connector types</h2>
            <ul>
              {connectors.map((c) => {
                const current = connector?.type === c.type;
                return (
                  <li key={c.type}>
                    <button type="button" className={`side-item${current ? ' is-current' : ''}`} aria-current={current ? 'true' : undefined} onClick={() => setSearchParam('type', `connector:${c.type}`)}>
                      <span className="mono">{c.type}</span>
                      <span className="side-caps" aria-hidden="true">
                        {c.capabilities.read ? 'R' : ''}
                        {c.capabilities.write ? 'W' : ''}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
            <h2>Task kinds</h2>
            <ul>
              {kinds.map((k) => {
                const current = kind?.name === k.name;
                return (
                  <li key={k.name}>
                    <button type="button" className={`side-item${current ? ' is-current' : ''}`} aria-current={current ? 'true' : undefined} onClick={() => setSearchParam('type', `kind:${k.name}`)}>
                      <span className="mono">{k.name}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div>{connector ? <ConnectorDetail connector={connector} /> : kind ? <TaskKindDetail kind={kind} /> : <Empty title="Nothing selected" />}</div>
        </div>
      )}
    </>
  );
}

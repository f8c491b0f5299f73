/** A JSON value shown as YAML, keys highlighted, with a copy button. */
import { useMemo, useState } from 'react';
import { toYaml } from '../yaml.ts';

function highlight(line: string, index: number) {
  const match = /^(\s*(?:- )?)([^\s:#][^:]*?|"[^"]*")(:)(?=\s|$)(.*)$/.exec(line);
  if (!match) return <div key={index}>{line || ' '}</div>;
  const [, lead, key, colon, rest] = match;
  return (
    <div key={index}>
      {lead}
      <span className="y-key">{key}</span>
      {colon}
      <span className="y-val">{rest}</span>
    </div>
  );
}

export function YamlView({ value, label }: { value: unknown; label: string }) {
  const text = useMemo(() => toYaml(value), [value]);
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="code-block">
      <button type="button" className="btn btn-small code-copy" onClick={() => void copy()} aria-label="Copy YAML">
        {copied ? 'Copied' : 'Copy'}
      </button>
      <pre className="code yaml" aria-label={label} tabIndex={0}>
        {text.replace(/\n$/, '').split('\n').map(highlight)}
      </pre>
    </div>
  );
}

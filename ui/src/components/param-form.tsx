/**
 * The trigger form of a pipeline, generated from its declared params: a field per param by
 * type (enum as a select), defaults prefilled, required ones marked. Values are checked here
 * as the server checks them (src/core/spec/params.ts), and the server's own issues are shown
 * under the field they name.
 */
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/api-client.ts';
import type { ParamSpec } from '../api/types.ts';

type FieldValue = string | boolean;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function initialValue(spec: ParamSpec): FieldValue {
  const value = spec.default;
  if (spec.type === 'boolean') return value === true || value === 'true';
  if (value === undefined || value === null) return '';
  if (spec.type === 'json') return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return String(value);
}

/** Checks one field and gives the value to send (undefined: leave it out). */
export function checkParam(spec: ParamSpec, raw: FieldValue): { value?: unknown; error?: string } {
  if (spec.type === 'boolean') return { value: raw === true };
  const text = String(raw).trim();
  if (text === '') return spec.required && spec.default === undefined ? { error: 'required' } : {};
  let value: unknown = text;
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: `expected ${spec.type === 'integer' ? 'an integer' : 'a number'}` };
      if (spec.type === 'integer' && !Number.isInteger(n)) return { error: 'expected an integer' };
      value = n;
      break;
    }
    case 'date':
      if (!DATE_PATTERN.test(text) || Number.isNaN(Date.parse(text))) return { error: 'expected a date such as 2026-01-31' };
      break;
    case 'json':
      try {
        value = JSON.parse(text);
      } catch (error) {
        return { error: `expected JSON (${(error as Error).message})` };
      }
      break;
    default:
      value = String(raw);
  }
  if (spec.enum && !spec.enum.some((option) => String(option) === String(value))) return { error: `expected one of ${spec.enum.join(', ')}` };
  if (spec.enum) value = spec.enum.find((option) => String(option) === String(value));
  return { value };
}

export interface ParamFormProps {
  params: Record<string, ParamSpec>;
  onSubmit(values: Record<string, unknown>): Promise<unknown>;
  submitLabel?: string;
}

export function ParamForm({ params, onSubmit, submitLabel = 'Run pipeline' }: ParamFormProps) {
  const formId = useId();
  const names = Object.keys(params);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => Object.fromEntries(names.map((name) => [name, initialValue(params[name] as ParamSpec)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const setValue = (name: string, value: FieldValue): void => {
    setValues((old) => ({ ...old, [name]: value }));
    if (errors[name]) setErrors(({ [name]: _gone, ...rest }) => rest);
  };

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const out: Record<string, unknown> = {};
    const found: Record<string, string> = {};
    for (const name of names) {
      const result = checkParam(params[name] as ParamSpec, values[name] ?? '');
      if (result.error) found[name] = result.error;
      else if (result.value !== undefined) out[name] = result.value;
    }
    setErrors(found);
    setFormError(null);
    const firstBad = names.find((name) => found[name]);
    if (firstBad) {
      document.getElementById(`${formId}-${firstBad}`)?.focus();
      return;
    }
    setPending(true);
    try {
      await onSubmit(out);
    } catch (error) {
      const fieldErrors: Record<string, string> = {};
      const rest: string[] = [];
      if (error instanceof ApiError) {
        for (const issue of error.issues) {
          const name = issue.path.replace(/^(body\.)?params\./, '');
          if (names.includes(name)) fieldErrors[name] = issue.message;
          else rest.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
        }
      }
      setErrors(fieldErrors);
      setFormError(rest.length > 0 || Object.keys(fieldErrors).length === 0 ? [error instanceof Error ? error.message : String(error), ...rest].join(' — ') : null);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="param-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Trigger a run">
      {names.length === 0 ? <p className="muted small">This pipeline takes no params.</p> : null}
      {names.map((name) => {
        const spec = params[name] as ParamSpec;
        const id = `${formId}-${name}`;
        const error = errors[name];
        const describedBy = [spec.description ? `${id}-desc` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
        const common = { id, name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, 'aria-required': spec.required || undefined } as const;
        const value = values[name] ?? '';
        let control;
        if (spec.type === 'boolean') {
          control = <input type="checkbox" className="checkbox" {...common} checked={value === true} onChange={(e) => setValue(name, e.target.checked)} />;
        } else if (spec.enum) {
          control = (
            <select className="input" {...common} value={String(value)} onChange={(e) => setValue(name, e.target.value)}>
              {!spec.required || spec.default === undefined ? <option value="">{spec.required ? 'Choose…' : '(none)'}</option> : null}
              {spec.enum.map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option)}
                </option>
              ))}
            </select>
          );
        } else if (spec.type === 'json') {
          control = <textarea className="input mono" rows={3} spellCheck={false} {...common} value={String(value)} onChange={(e) => setValue(name, e.target.value)} placeholder='{"key": "value"}' />;
        } else {
          const dateOnly = spec.type === 'date' && (value === '' || /^\d{4}-\d{2}-\d{2}$/.test(String(value)));
          const type = spec.type === 'number' || spec.type === 'integer' ? 'number' : dateOnly ? 'date' : 'text';
          control = (
            <input
              type={type}
              className="input"
              step={spec.type === 'integer' ? 1 : spec.type === 'number' ? 'any' : undefined}
              inputMode={spec.type === 'integer' ? 'numeric' : spec.type === 'number' ? 'decimal' : undefined}
              {...common}
              value={String(value)}
              onChange={(e) => setValue(name, e.target.value)}
            />
          );
        }
        return (
          <div key={name} className={`field${spec.type === 'boolean' ? ' field-check' : ''}${error ? ' has-error' : ''}`}>
            <label htmlFor={id}>
              <span className="field-name">{name}</span>
              {spec.required ? (
                <span className="required" aria-hidden="true" title="required">
                  *
                </span>
              ) : null}
              <span className="field-type">{spec.enum ? 'enum' : spec.type}</span>
            </label>
            {control}
            {spec.description ? (
              <div id={`${id}-desc`} className="field-help">
                {spec.description}
              </div>
            ) : null}
            {error ? (
              <div id={`${id}-err`} className="field-error" role="alert">
                {error}
              </div>
            ) : null}
          </div>
        );
      })}
      {formError ? (
        <div className="form-error" role="alert">
          {formError}
        </div>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {pending ? 'Starting…' : submitLabel}
      </button>
    </form>
  );
}

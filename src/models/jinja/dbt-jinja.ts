/**
 * The Jinja engine of a dbt project: nunjucks configured the way dbt's Jinja behaves (no HTML
 * escaping, Python-style methods and filters, `{% do %}`), with the project's macros callable
 * from every template and `return()` giving a macro's value instead of its text.
 *
 * Rendering is synchronous, so the globals of one node (`this`, `ref`, `config`, ...) are set on
 * the environment just before its render: macros, which run in their own file's context, see the
 * node they are called from through those globals, as in dbt.
 */
import nunjucks from 'nunjucks';
import { ValidationError } from '../../core/errors.ts';
import { JinjaError } from './jinja-error.ts';
import { addPythonFilters, installPythonCompat } from './python-compat.ts';

/** A project macro as templates call it. */
export type MacroFn = (...args: unknown[]) => unknown;

/** Thrown by `return(value)` and caught by the macro that called it. */
class MacroReturn {
  constructor(readonly value: unknown) {}
}

interface ExportingTemplate {
  getExported(context: object, frame: null, callback: (error: unknown, exported: Record<string, MacroFn>) => void): void;
}

/** One project's Jinja environment and macros. */
export class DbtJinja {
  private readonly env: nunjucks.Environment;
  private readonly macros = new Map<string, { fn: MacroFn; file: string }>();

  constructor() {
    installPythonCompat();
    // dev: errors keep nunjucks's line and cause instead of being flattened to a message.
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, dev: true });
    addPythonFilters(this.env);
    this.env.addGlobal('return', (value: unknown) => {
      throw new MacroReturn(value);
    });
  }

  /** Compiles a template now, so syntax errors surface at load time with their file and line. */
  compile(text: string, file: string): nunjucks.Template {
    try {
      return new nunjucks.Template(text, this.env, file, true);
    } catch (error) {
      throw JinjaError.from(error, file);
    }
  }

  /**
   * Loads a macros file; its macros (and `{% test name(...) %}` generic tests, as macros named
   * `test_<name>`) become callable from every template. Returns the names it defined.
   */
  loadMacros(text: string, file: string): string[] {
    const source = text
      .replace(/\{%(-?)\s*test\s+(\w+)\s*\(/g, '{%$1 macro test_$2(')
      .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
    const template = this.compile(source, file) as unknown as ExportingTemplate;
    let exported: Record<string, MacroFn> = {};
    template.getExported({}, null, (error, names) => {
      if (error) throw JinjaError.from(error, file);
      exported = names;
    });
    const defined: string[] = [];
    for (const [name, macro] of Object.entries(exported)) {
      if (typeof macro !== 'function') continue;
      const other = this.macros.get(name);
      if (other) throw new ValidationError(`${file}: macro '${name}' is already defined in ${other.file}`);
      const fn: MacroFn = (...args) => {
        try {
          return macro(...args);
        } catch (thrown) {
          if (thrown instanceof MacroReturn) return thrown.value;
          throw thrown;
        }
      };
      this.macros.set(name, { fn, file });
      this.env.addGlobal(name, fn);
      defined.push(name);
    }
    return defined;
  }

  /** A project macro by name. */
  macro(name: string): MacroFn | undefined {
    return this.macros.get(name)?.fn;
  }

  /** Renders a compiled template with these globals; errors name `file` and the line. */
  render(template: nunjucks.Template, file: string, globals: Readonly<Record<string, unknown>>): string {
    this.setGlobals(globals);
    try {
      return template.render({});
    } catch (error) {
      throw JinjaError.from(error, file);
    }
  }

  /** Compiles and renders text (descriptions, profiles, hooks); text without Jinja is returned as is. */
  renderString(text: string, file: string, globals: Readonly<Record<string, unknown>>): string {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    return this.render(this.compile(text, file), file, globals);
  }

  /** Calls a macro with these globals set (such as `generate_schema_name` for a node). */
  callMacro(name: string, args: unknown[], file: string, globals: Readonly<Record<string, unknown>>): unknown {
    const macro = this.macro(name);
    if (!macro) throw new ValidationError(`macro '${name}' is not defined`);
    this.setGlobals(globals);
    try {
      return macro(...args);
    } catch (error) {
      throw JinjaError.from(error, this.macros.get(name)?.file ?? file);
    }
  }

  private setGlobals(globals: Readonly<Record<string, unknown>>): void {
    for (const [name, value] of Object.entries(globals)) {
      // A project macro of the same name wins over a built-in, as dbt lets projects override.
      if (!this.macros.has(name)) this.env.addGlobal(name, value);
    }
  }
}

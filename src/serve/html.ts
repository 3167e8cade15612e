// HTML built with a tagged template that escapes every interpolated value, so
// text from manifests, plans, hosts and error messages can never become markup
// on the status page: only fragments made by `html` itself pass through as is.

/** A fragment of markup made by `html`: the only thing interpolated without escaping. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

type Interpolated = Markup | string | number | boolean | null | undefined | readonly Interpolated[];

function interpolate(value: Interpolated): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  // false, null and undefined render nothing, so `${condition && html`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<td>${name}</td>\``: strings and numbers are escaped, Markup and arrays of it are kept. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Markup {
  let text = strings[0];
  for (let index = 0; index < values.length; index++) text += interpolate(values[index]) + strings[index + 1];
  return new Markup(text);
}

// Renderers keyed by the -o/--output name. Adding a format is a file and one line here.
import type { Renderer } from './types.js';
import { renderText } from './text.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderGithub } from './github.js';
import { renderMarkdown } from './markdown.js';

export const renderers: Record<string, Renderer> = {
  text: renderText,
  json: renderJson,
  junit: renderJunit,
  github: renderGithub,
  markdown: renderMarkdown,
};

export type { Renderer, RenderOptions } from './types.js';

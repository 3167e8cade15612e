// Renderers keyed by the -o/--output name. Adding a format is a file and one line here.
import type { ChunkedRenderer, Renderer } from './types.js';
import { renderText } from './text.js';
import { renderJson, renderJsonChunks } from './json.js';
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

/** Formats that can also be written piece by piece; each gives the same text as its renderer. */
export const chunkedRenderers: Record<string, ChunkedRenderer> = {
  json: renderJsonChunks,
};

export type { ChunkedRenderer, Renderer, RenderOptions } from './types.js';

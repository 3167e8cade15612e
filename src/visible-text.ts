// Text from outside shown as it can be safely printed: a file name from a
// repository, the lines of a ConfigMap's value, a server's error message. Control
// characters (legal in all of them) become `\xNN`, so none can move the cursor,
// recolor a terminal, or start a CI log command; the renderers and the sources
// (where a server's words enter a message) share this one rule.

/** `text` with its control characters as `\xNN`; a tab may be kept (`keepTabs`) where it is layout, as in a config file's lines. */
export function visibleText(text: string, keepTabs = false): string {
  const control = keepTabs ? /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return text.replace(control, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

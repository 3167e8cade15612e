// Small pieces of flag parsing shared by every command.

/** Commander argParser for a repeatable flag (`--var A=1 --var B=2`): collects every value, in order. */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

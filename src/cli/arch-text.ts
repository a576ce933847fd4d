/** How the command line prints an architecture's JSON form: a string (an arch string) as is, else JSON. */
export function archText(json: unknown): string {
  return typeof json === "string" ? json : JSON.stringify(json);
}

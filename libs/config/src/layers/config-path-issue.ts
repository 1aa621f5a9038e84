/** One problem with a configuration candidate, by dotted path (or file); never holds a value. */
export interface ConfigPathIssue {
  readonly path: string;
  readonly message: string;
}

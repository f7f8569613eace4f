// Warnings a template gives while it renders (a routed filter name's deprecation, a plugin file that cannot
// load): the evaluator has no reporter, so the run sets who hears them while it goes.

/** What a template warning is. */
export interface TemplateWarning {
  msg: string;
  deprecation: boolean;
}

let listener: ((w: TemplateWarning) => void) | undefined;

/** Sets who hears template warnings while a run goes (the run's reporter); undefined: nobody. */
export function onTemplateWarning(fn: ((w: TemplateWarning) => void) | undefined): void {
  listener = fn;
}

/** Tells the listener of a warning (the reporter shows each text once). */
export function templateWarning(w: TemplateWarning): void {
  listener?.(w);
}

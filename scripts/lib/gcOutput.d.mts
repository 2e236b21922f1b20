// Types for gcOutput.mjs (plain JavaScript, so that scripts run without a build step).
export interface GcMessage {
  file: string;
  line: number;
  column: number;
  message: string;
}

export type Kind = 'moved' | 'alloc' | 'iface' | 'param' | 'other';
export type AllocForm = 'func' | 'append' | 'addr' | 'new' | 'make' | 'slice' | 'map';

export interface Classified {
  kind: Kind;
  /** moved, or `escapes to heap` */
  escapes: boolean;
  /** the variable name (moved) or the expression text */
  subject: string;
  /** for alloc: which allocation */
  form?: AllocForm;
}

export function parseGcOutput(text: string, absolute: (file: string) => string): GcMessage[];
export function sortMessages<T extends GcMessage>(messages: T[]): T[];
export function stripReason(message: string): string;
export function classify(message: string): Classified;
export function normalizeExpr(expr: string): string;
